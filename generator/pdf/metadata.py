"""Where a PDF form records which form it is: two entries of its document information."""

from __future__ import annotations

__all__ = ["KIND_KEY", "VERSION_KEY"]

#: Custom document-information keys; every PDF tool we tested keeps them when filling.
KIND_KEY = "/CommissionKind"
VERSION_KEY = "/CommissionSchemaVersion"
