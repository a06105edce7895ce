"""Where the project's data folders live, installed or in a checkout.

A wheel carries ``schemas/``, ``forms/``, ``templates/`` and ``data/`` inside the
package as ``generator/_resources``; a checkout (or editable install) reads them
from the repository root. Everything else asks this module, never ``__file__``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

__all__ = ["project_root", "resource_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # generator/, above records/


@cache
def project_root() -> Path:
    """The folder holding ``schemas/`` and friends: ``COMMISSION_PROJECT`` if set, else the built-in one."""
    if chosen := os.environ.get("COMMISSION_PROJECT"):
        return Path(chosen).resolve()
    bundled = _PACKAGE_DIR / "_resources"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """One of ``schemas``, ``forms``, ``templates``, ``data``."""
    return project_root() / name
