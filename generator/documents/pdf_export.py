"""An accessible PDF of a finished Word document, through LibreOffice's own PDF export.

LibreOffice writes a tagged PDF (a structure tree a screen reader follows,
headings and tables marked as such) and, with PDF/UA on, checks the document
against ISO 14289 as it exports: the language and title come from the Word
document's styles and core properties. It runs headless with a private user
profile made for the one export (so a desktop LibreOffice, open or not, is
never touched, and two exports never share settings) and under a time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..records.errors import CommissionError, ToolUnavailableError

__all__ = ["EXPORT_FILTER", "PDF_SECONDS", "export_pdf", "find_soffice"]

#: Writer's PDF export with tagging and PDF/UA on, in the JSON filter options LibreOffice 7.4 and later read.
EXPORT_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "true"},
    },
    separators=(",", ":"),
)
#: A finished document exports in a few seconds; a first start of LibreOffice takes longer.
PDF_SECONDS = 180.0
_NEEDED = (
    "LibreOffice is needed to make the PDF and was not found (no 'soffice' on the PATH); "
    "install LibreOffice, or leave out --pdf"
)


def find_soffice() -> str | None:
    """LibreOffice's command, if it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _environment() -> dict[str, str]:
    """Our environment without our Python's settings: LibreOffice's own Python must not load our packages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYENV", "_PYENV", "PYTHON"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "pyenv" not in p)
    return env


def export_pdf(document: Path, pdf: Path, *, seconds: float = PDF_SECONDS) -> Path:
    """Write ``pdf`` from the Word ``document``; a missing or failing LibreOffice is a :class:`ToolUnavailableError`."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolUnavailableError(_NEEDED)
    if pdf.exists() and not pdf.is_file():
        raise CommissionError(f"{pdf} is not a file a PDF can be written to")
    with tempfile.TemporaryDirectory(prefix="commission-pdf-") as work:
        folder = Path(work)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", EXPORT_FILTER,
            "--outdir", str(folder / "out"),
            str(document.resolve()),
        ]  # fmt: skip
        try:
            result = subprocess.run(command, capture_output=True, timeout=seconds, env=_environment(), check=False)
        except subprocess.TimeoutExpired:
            raise ToolUnavailableError(
                f"LibreOffice did not finish making the PDF of {document} within {seconds:g} s; "
                "the Word document was written"
            ) from None
        made = folder / "out" / f"{document.stem}.pdf"
        if result.returncode != 0 or not made.is_file():
            said = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
            detail = f" ({said[-1]})" if said else ""
            raise ToolUnavailableError(
                f"LibreOffice could not make the PDF of {document}{detail}; the Word document was written"
            )
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), str(pdf))
    return pdf
