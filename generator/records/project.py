"""A project's own settings: ``commission.yaml``, beside its ``schemas/ forms/ templates/ data/ site/``.

The partnership's name, where bidders send returns and whom they ask, the
round's closing date, and the colours and logo of its forms and site. The
folder that holds this file is the project (see :mod:`.resources` for how it
is found); the built-in Kent example has one too, so every command can ask
the same questions of any project. Every key but ``partnership`` may be left
out.

.. code-block:: yaml

    partnership: Supporting People in Kent
    contact: {name: Supporting People team, email: sp.team@example.gov.uk, phone: 03000 000000}
    returns: {email: growth.bids@example.gov.uk, address: "Room 1, County Hall, Maidstone ME14 1XQ"}
    closing_date: 2026-10-30
    colours: {primary: "#1d4f91", accent: "#b5121b"}
    logo: site/assets/logo.png
    round:                       # what every round file of the project says unless it says otherwise
      kinds: {bid: growth-bid, report: evaluation-report}
      fields: {amount: /annual_amount, organisation: /applicant/organisation, ...}

``round:`` is kept as written: ``generator.rounds`` checks it with the round
file's own settings, so a problem is named once, where the round reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import CommissionError
from .loading import load_data_file
from .resources import SETTINGS_FILE, builtin_root, project_root

__all__ = [
    "SETTINGS_FILE",
    "Colours",
    "Contact",
    "ProjectSettings",
    "forget_settings",
    "project_round",
    "project_settings",
]

_KEYS = {"partnership", "contact", "returns", "closing_date", "colours", "logo", "round"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Contact:
    """Whom to ask, or where to send: any of a name, an email address, a phone number and a postal address."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Colours:
    """``#rrggbb`` colours for headings and links (``primary``) and highlights (``accent``)."""

    primary: str = "#1d4f91"
    accent: str = "#1d4f91"


@dataclass(frozen=True)
class ProjectSettings:
    """What ``commission.yaml`` says, checked."""

    partnership: str
    contact: Contact
    returns: Contact
    closing_date: dt.date | None
    colours: Colours
    logo: Path | None
    #: The project folder these settings came from.
    folder: Path
    #: The project's round settings (``round:``), unchecked here: the round reads and checks them.
    round: Mapping[str, Any] = field(default_factory=dict)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CommissionError(f"{where} is a line of text; got {value!r}.")
    return value.strip()


def _contact(raw: Any, where: str) -> Contact:
    if raw is None:
        return Contact()
    if not isinstance(raw, Mapping) or not set(raw) <= {"name", "email", "phone", "address"}:
        raise CommissionError(f"{where} has any of name, email, phone and address; got {raw!r}.")
    values = {key: _text(value, f"{where}, {key}") for key, value in raw.items() if value is not None}
    if "email" in values and not _EMAIL.match(values["email"]):
        raise CommissionError(f"{where}, email: '{values['email']}' is not an email address.")
    return Contact(**values)


def _colours(raw: Any, where: str) -> Colours:
    if raw is None:
        return Colours()
    if not isinstance(raw, Mapping) or not set(raw) <= {"primary", "accent"}:
        raise CommissionError(f"{where} has primary and accent colours; got {raw!r}.")
    for key, value in raw.items():
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise CommissionError(f"{where}, {key}: give a colour as #rrggbb, such as #1d4f91; got {value!r}.")
    primary = raw.get("primary", Colours.primary)
    return Colours(primary=primary, accent=raw.get("accent", primary))


def _date(raw: Any, where: str) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise CommissionError(f"{where}: give a date as YYYY-MM-DD, such as 2026-10-30; got {raw!r}.") from None


def _round(raw: Any, where: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise CommissionError(f"{where} holds round settings such as 'ranking: kent'; got {raw!r}.")
    return dict(raw)


def _logo(raw: Any, folder: Path, where: str) -> Path | None:
    if raw is None:
        return None
    path = (folder / _text(raw, where)).resolve()
    if not path.is_file():
        raise CommissionError(f"{where}: there is no file {path}.")
    return path


def read_settings(folder: Path) -> ProjectSettings:
    """The settings in ``folder/commission.yaml``, checked; a missing file gives the folder's name only."""
    path = folder / SETTINGS_FILE
    raw: Any = load_data_file(path) if path.is_file() else {"partnership": folder.name}
    if not isinstance(raw, Mapping):
        raise CommissionError(f"{path}: holds settings such as 'partnership: Supporting People in Kent'.")
    if unknown := sorted(set(raw) - _KEYS):
        raise CommissionError(
            f"{path}: unknown setting {', '.join(unknown)}; the settings are {', '.join(sorted(_KEYS))}."
        )
    if "partnership" not in raw:
        raise CommissionError(f"{path}: say whose round this is, as 'partnership: <name>'.")
    return ProjectSettings(
        partnership=_text(raw["partnership"], f"{path}, partnership"),
        contact=_contact(raw.get("contact"), f"{path}, contact"),
        returns=_contact(raw.get("returns"), f"{path}, returns"),
        closing_date=_date(raw.get("closing_date"), f"{path}, closing_date"),
        colours=_colours(raw.get("colours"), f"{path}, colours"),
        logo=_logo(raw.get("logo"), folder, f"{path}, logo"),
        folder=folder,
        round=_round(raw.get("round"), f"{path}, round"),
    )


@cache
def _settings(folder: Path) -> ProjectSettings:
    return read_settings(folder)


def project_settings() -> ProjectSettings:
    """The current project's settings (read once per project folder)."""
    return _settings(project_root())


def project_round() -> tuple[Mapping[str, Any], Path]:
    """The project's ``round:`` settings and the file they are in; the built-in example's when it has none."""
    settings = project_settings()
    if settings.round:
        return settings.round, settings.folder / SETTINGS_FILE
    builtin = builtin_root()
    return _settings(builtin).round, builtin / SETTINGS_FILE


def forget_settings() -> None:
    """Read ``commission.yaml`` again next time (tests, and a command that has just written one)."""
    _settings.cache_clear()
