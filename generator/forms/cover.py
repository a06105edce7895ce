"""What the top of every blank form says about the project: whose form it is, where and by when to send it.

The Word and PDF builders print the same cover from this model, made from the
project's ``commission.yaml`` (:func:`generator.records.project.project_settings`):
the partnership's name, a sentence saying where to send the completed form
and by which day, whom to ask, the heading colours and the logo. Nothing here
is an answer box, so the readers of returns never see it.

A colour that would make the form unreadable (below WCAG's 4.5:1 on white) is
not used: the built-in colour is, and the cover carries a warning saying so.
A logo must be a PNG or JPEG of sensible size; any other is left off, with a
warning, rather than stopping every form from being built.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from pathlib import Path

from ..records.contrast import MINIMUM, contrast
from ..records.project import Colours, Contact, ProjectSettings, project_settings

__all__ = ["LOGO_MAX_BYTES", "LOGO_MAX_PIXELS", "Cover", "Logo", "form_cover", "long_date"]

#: The largest logo file a form carries: a logo needs far less, and every return would carry it too.
LOGO_MAX_BYTES = 1_000_000
#: The most pixels a logo may have (width times height): a PDF reader unpacks every one of them.
LOGO_MAX_PIXELS = 1_000_000
_PNG = b"\x89PNG\r\n\x1a\n"
#: JPEG markers that start a frame and carry its size (every SOFn but DHT, JPG and DAC).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class Logo:
    """The partnership's logo as a form shows it: its bytes, format, size in pixels and alternative text."""

    data: bytes
    format: str  # "png" or "jpeg"
    width: int
    height: int
    alt: str
    name: str


@dataclass(frozen=True)
class Cover:
    """The project's part of a blank form's first page."""

    partnership: str
    #: Where and by when to send the completed form ("" when the project says neither).
    send: str
    #: Whom to ask about the form ("" when the project names no contact).
    ask: str
    #: ``RRGGBB`` of the title and headings, and of the partnership's name: readable on white.
    heading_colour: str
    accent_colour: str
    logo: Logo | None = None
    #: What was not used as ``commission.yaml`` asked, and why.
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        """The sentences printed under the partnership's name."""
        return tuple(line for line in (self.send, self.ask) if line)


def long_date(day: dt.date) -> str:
    """A date as a form says it: 14 August 2027."""
    return f"{day.day} {day:%B %Y}"


def _send(returns: Contact, closing: str) -> str:
    """Where and by when: Send your completed form by email to X (or by post to Y) no later than 14 August 2027."""
    ways = [f"by email to {returns.email}"] if returns.email else []
    if returns.address:
        ways.append(f"(or by post to {returns.address})" if ways else f"by post to {returns.address}")
    if not ways and not closing:
        return ""
    return " ".join(["Send your completed form", *ways, *([f"no later than {closing}"] if closing else [])]) + "."


def _ask(contact: Contact) -> str:
    parts = [part for part in (contact.name, contact.email, contact.phone) if part]
    return f"Questions about this form: {', '.join(parts)}." if parts else ""


def _readable(name: str, colour: str, fallback: str, where: Path) -> tuple[str, str | None]:
    """The colour as ``RRGGBB`` if it gives 4.5:1 on white, else the built-in one and a warning."""
    ratio = contrast(colour)
    if ratio >= MINIMUM:
        return colour.removeprefix("#").upper(), None
    return fallback.removeprefix("#").upper(), (
        f"{where}, colours, {name}: {colour} gives only {ratio:.1f}:1 against white, and WCAG asks for "
        f"{MINIMUM}:1, so the forms use the built-in {fallback} instead; choose a darker colour."
    )


def _image_size(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG or baseline/progressive JPEG, read from its header; None for anything else."""
    if data.startswith(_PNG) and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return "jpeg", width, height
        at += 2 + length
    return None


def _logo(path: Path | None, alt: str, where: Path) -> tuple[Logo | None, str | None]:
    if path is None:
        return None, None
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= LOGO_MAX_BYTES else b""
    except OSError as exc:
        return None, f"{where}, logo: {path} cannot be read ({exc.strerror}), so the forms are built without it."
    if size > LOGO_MAX_BYTES:
        return None, (
            f"{where}, logo: {path} is {size:,} bytes; a form's logo is at most {LOGO_MAX_BYTES:,}, "
            "so the forms are built without it. Save a smaller copy."
        )
    found = _image_size(data)
    if found is None:
        return None, f"{where}, logo: {path} is not a PNG or JPEG image, so the forms are built without it."
    kind, width, height = found
    if not width or not height or width * height > LOGO_MAX_PIXELS:
        return None, (
            f"{where}, logo: {path} is {width:,} by {height:,} pixels; a form's logo has at most "
            f"{LOGO_MAX_PIXELS:,} pixels in all, so the forms are built without it. Save a smaller copy."
        )
    return Logo(data, kind, width, height, alt, path.name), None


def form_cover(settings: ProjectSettings | None = None) -> Cover:
    """The cover of the current project's forms (or of ``settings``), with a warning for each setting not used."""
    settings = settings or project_settings()
    where = settings.folder / "commission.yaml"
    closing = long_date(settings.closing_date) if settings.closing_date else ""
    primary, primary_warning = _readable("primary", settings.colours.primary, Colours.primary, where)
    accent, accent_warning = _readable("accent", settings.colours.accent, Colours.accent, where)
    logo, logo_warning = _logo(settings.logo, settings.partnership, where)
    return Cover(
        partnership=settings.partnership,
        send=_send(settings.returns, closing),
        ask=_ask(settings.contact),
        heading_colour=primary,
        accent_colour=accent,
        logo=logo,
        warnings=tuple(w for w in (primary_warning, accent_warning, logo_warning) if w),
    )
