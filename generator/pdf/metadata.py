"""Where a PDF form records which form it is: two entries of its document information."""

from __future__ import annotations

__all__ = ["KIND_KEY", "VERSION_KEY", "identity_text", "parse_identity"]

#: Custom document-information keys; every PDF tool we tested keeps them when filling.
KIND_KEY = "/CommissionKind"
VERSION_KEY = "/CommissionSchemaVersion"


def identity_text(kind: str, version: str) -> str:
    """The identity as one string, for the Keywords entry and the hidden identity field."""
    return f"commission-kind={kind}; schema-version={version}"


def parse_identity(text: str) -> tuple[str | None, str | None]:
    """``identity_text`` back to (kind, version); (None, None) if it is not one."""
    pairs = dict(part.strip().partition("=")[::2] for part in text.split(";"))
    return pairs.get("commission-kind") or None, pairs.get("schema-version") or None
