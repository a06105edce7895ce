"""Find the returns in a folder, and say why every other file was left out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["RETURN_SUFFIXES", "Found", "find_returns"]

RETURN_SUFFIXES = (".docx", ".pdf")


@dataclass(frozen=True)
class Found:
    """Every file under the folder: returns to parse, and the rest with a reason."""

    returns: list[Path]
    skipped: list[tuple[Path, str]]


def _skip_reason(path: Path) -> str | None:
    if path.name.startswith("~$"):
        return "a lock file Word leaves while a document is open, not a return"
    if path.suffix.lower() not in RETURN_SUFFIXES:
        shown = path.suffix or "no extension"
        return f"not a return ({shown}); only .docx and .pdf files are read"
    return None


def find_returns(root: Path) -> Found:
    """Every file under ``root``, recursively, in a stable order; symbolic links are not followed."""
    returns: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            skipped.append((path, "a symbolic link; links are not followed, put the file itself in the folder"))
            continue
        if not path.is_file():
            continue
        reason = _skip_reason(path)
        if reason is None:
            returns.append(path)
        else:
            skipped.append((path, reason))
    return Found(returns, skipped)
