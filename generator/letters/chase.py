"""``letters/`` and ``chase.csv``: a letter to each bidder whose return needs them to act, ready to send.

Which returns are chased: the current return of each bid (a return a later
one of the same bid superseded is not; a file under two names is one return;
a file gone from the folder is not), when it is

* **unreadable**: the letter says what is wrong with the file (the first part of
  the batch's reason; the rest tells the officer what to ask for) and asks
  for a fresh copy of the blank form, by its download names
  (``growth-bid.docx`` or ``growth-bid.pdf``). An email or a zip gets one
  too (the officer may instead save or unzip the form into the folder). Files the batch reads again on its next run (the
  toolkit failed, or memory ran out: ``batch.worker.RETRIED_RULES``) are the
  officer's to sort out, not the bidder's, and get no letter;
* **invalid**: the letter lists every problem the bidder can put right, in the
  order they were found (the form's), each told as ``Issue.line()`` tells it
  ("3.6 Annual amount: ..."). Answers a reader could not read with confidence
  (``manual_review``) are for the officer to check by hand, so they are left
  out; a return with nothing else wrong gets no letter.

Warnings alone never make a letter: each says how the toolkit read the file
(an older version of the form, rows added, tracked changes, a box it ignored),
which the officer may check, not something the bidder must change.

Whom to write to is data, never a field name here: for the round's bid kind,
the project's ``round: fields:`` (``organisation``, ``contact_name``,
``contact_email``, :func:`generator.rounds.definition.project_bid_fields`;
a field named wrongly is said in the summary); for any other kind, and for
a role the round does not name, the form's one question of each of the
shared definitions ``organisation_name``, ``person_name`` and ``email`` (a
form with two of one names no one). An email address that is not one is left
blank. A letter is written whatever is unknown; ``chase.csv`` then has no
email, and the summary says how many.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch.atomic import atomic_path
from ..batch.cells import cell_value
from ..batch.exports import organisation_of
from ..batch.identity import answer_at
from ..batch.register import Register, Version
from ..batch.worker import RETRIED_RULES
from ..documents.display import long_date
from ..forms.layout import FormLayout, layout_kinds, load_layout
from ..records.errors import CommissionError
from ..records.issues import Issue
from ..records.project import ProjectSettings, project_settings
from ..records.resources import resource_dir
from ..records.wording import plural
from .writing import FileNames, letter_title, render_letter, replaced_folder, safe_stem

__all__ = [
    "CHASE_COLUMNS",
    "ChaseResult",
    "Chased",
    "email_body",
    "letter_context",
    "needs_letter",
    "problems_to_fix",
    "write_chase_letters",
]

#: The columns of ``chase.csv``, the names a mail merge's fields are chosen by.
CHASE_COLUMNS = ("Organisation", "Contact name", "Email", "Subject", "Body", "Letter", "Return file")
#: The rule of an answer an officer must check by hand: not the bidder's to fix.
_OFFICER_CHECKS = "manual_review"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The shared definitions that mark who a return is from, by the role they play in a letter.
_MARKERS = {"organisation": "organisation_name", "contact_name": "person_name", "contact_email": "email"}


@dataclass(frozen=True)
class Chased:
    """One return chased: to whom, and the letter written (None if it could not be)."""

    file: str
    organisation: str | None
    contact_name: str | None
    email: str | None
    letter: str | None
    unreadable: bool
    problems: int


@dataclass
class ChaseResult:
    """What the letters step did, for the batch's summary."""

    folder: Path
    csv: Path
    chased: list[Chased] = field(default_factory=list)
    #: (return file, why its letter could not be written)
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Invalid returns whose only problems are answers the officer must check by hand.
    officer_only: int = 0
    #: Unreadable files the batch reads again on its next run.
    retried: int = 0
    #: Problems with the project's settings that leave letters without a contact.
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(1 for chased in self.chased if chased.letter)

    @property
    def without_email(self) -> int:
        return sum(1 for chased in self.chased if not chased.email)

    def summary(self) -> str:
        count = self.written
        line = f"{plural(count, 'letter')} to bidders in {self.folder}"
        if self.without_email:
            line += f" ({self.without_email} with no email address known: post {'them' if self.without_email != 1 else 'it'} or find the address)"
        if self.failed:
            line += f"; {len(self.failed)} could not be written (see below)"
        if self.officer_only:
            line += f"; {self.officer_only} invalid only in answers for you to check by hand (no letter)"
        if self.retried:
            line += f"; {self.retried} unreadable for a reason of the toolkit's, read again next run (no letter)"
        return line


def problems_to_fix(row: Version) -> list[Issue]:
    """The problems of a return the bidder can put right, in the order they were found."""
    issues = [_issue(error) for error in row.errors]
    return [issue for issue in issues if issue.rule != _OFFICER_CHECKS]


def needs_letter(row: Version) -> bool:
    """The current return of its bid, still in the folder, unreadable or invalid in a way the bidder can fix."""
    if not row.current or row.gone_at is not None:
        return False
    if row.status == "unreadable":
        return not any(error.get("rule") in RETRIED_RULES for error in row.errors)
    return row.status == "invalid" and bool(problems_to_fix(row))


def _issue(error: Mapping[str, Any]) -> Issue:
    return Issue.from_dict(error)


def _answer(row: Version, pointer: str | None) -> str | None:
    if not pointer:
        return None
    value = answer_at(row.record, pointer)
    if value is None and row.raw:
        value = row.raw.get(pointer)
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = " ".join(str(value).split())
    return text or None


class _Addresses:
    """Which answers of a return say whom to write to (module docstring), worked out once per kind and version."""

    def __init__(self) -> None:
        from ..rounds.definition import project_bid_fields  # the round's settings: only once a letter is due

        self._found: dict[tuple[str, str | None], dict[str, str]] = {}
        try:
            self.bid_kind, self.round_fields, problems = project_bid_fields()
        except CommissionError as exc:  # a broken schema: letters are still written, addressed from each form
            self.bid_kind, self.round_fields = None, {}
            self.notes = [f"The round's fields could not be read, so letters are addressed from each form: {exc}"]
            return
        self.notes = [
            f"commission.yaml, round: fields: {issue.path.rsplit('/', 1)[-1]}: {issue.message}"
            for issue in problems
            if issue.path.rsplit("/", 1)[-1] in ("contact_name", "contact_email", "organisation")
        ]

    def pointers(self, row: Version) -> dict[str, str]:
        if row.kind is None or row.kind not in layout_kinds():
            return {}
        key = (row.kind, row.version)
        if key not in self._found:
            if row.kind == self.bid_kind:
                chosen = {role: self.round_fields[role] for role in _MARKERS if role in self.round_fields}
            else:
                chosen = {}
            layout = _layout(row.kind, row.version)
            for role, semantic in _MARKERS.items():
                if role in chosen or layout is None:
                    continue
                marked = [q.pointer for q in layout.questions() if not q.columns and q.field.semantic == semantic]
                if len(marked) == 1:
                    chosen[role] = marked[0]
            self._found[key] = chosen
        return self._found[key]

    def of(self, row: Version) -> tuple[str | None, str | None, str | None]:
        pointers = self.pointers(row)
        organisation = _answer(row, pointers.get("organisation")) or organisation_of(row)
        email = _answer(row, pointers.get("contact_email"))
        return (
            organisation,
            _answer(row, pointers.get("contact_name")),
            email if email and _EMAIL.match(email) else None,
        )


def _layout(kind: str, version: str | None) -> FormLayout | None:
    try:
        return load_layout(kind, version)
    except CommissionError:
        return None


def _form_of(row: Version, bid_kind: str | None) -> tuple[str, list[str]]:
    """The form a return is (or should have been): its title and the names its blank copies download as."""
    known = layout_kinds()
    kind = row.kind if row.kind in known else bid_kind if bid_kind in known else known[0] if len(known) == 1 else None
    if kind is None:
        return "form we sent you", []
    layout = _layout(kind, row.version if kind == row.kind else None) or _layout(kind, None)
    forms = resource_dir("forms")
    downloads = [f"{kind}{suffix}" for suffix in (".docx", ".pdf") if (forms / f"{kind}{suffix}").is_file()]
    return (layout.title if layout else kind), downloads


def _what_is_wrong(reason: str) -> str:
    """What an unreadable file's reason says is wrong, without what it tells the officer to do.

    The batch's reasons read "what it is; what to ask for" ("this is an old-style Word (.doc)
    file; ask for it to be ..."); the letter says what to send in its own words.
    """
    return reason.split("; ", 1)[0]


def _received(row: Version) -> dt.date:
    return dt.date.fromisoformat(row.first_seen[:10])


def _things(count: int) -> str:
    return plural(count, "thing")


def letter_context(
    row: Version, addressee: tuple[str | None, str | None, str | None], form: tuple[str, list[str]],
    settings: ProjectSettings, today: dt.date,
) -> dict[str, Any]:  # fmt: skip
    """Every name the chase letter's template may use (the chase-letter schema), ``None`` where unknown."""
    organisation, contact_name, email = addressee
    unreadable = row.status == "unreadable"
    issues = [] if unreadable else problems_to_fix(row)
    reason = (
        "; ".join(_what_is_wrong(str(e["message"])) for e in row.errors if e.get("message")) if unreadable else None
    )
    return {
        "letter_date": today.isoformat(),
        "partnership": {
            "name": settings.partnership,
            "contact_name": settings.contact.name,
            "contact_email": settings.contact.email,
            "contact_phone": settings.contact.phone,
            "returns_email": settings.returns.email,
            "returns_address": settings.returns.address,
        },
        "bidder": {"organisation": organisation, "contact_name": contact_name, "email": email},
        "file": row.path,
        "received": _received(row).isoformat(),
        "form": {"title": form[0], "downloads": form[1]},
        "unreadable": unreadable,
        "reason": reason or None,
        "problems": [
            {"question": issue.question, "field": issue.field, "message": issue.message, "text": issue.line()}
            for issue in issues
        ],
        "closing_date": settings.closing_date.isoformat() if settings.closing_date else None,
    }


def _subject(context: Mapping[str, Any]) -> str:
    form = context["form"]["title"]
    if context["unreadable"]:
        return f"Your {form}: we could not read the file you sent"
    return f"Your {form}: {_things(len(context['problems']))} to put right"


def email_body(context: Mapping[str, Any]) -> str:
    """The letter as plain text, for the body of an email (the Word letter says the same)."""
    bidder, partnership = context["bidder"], context["partnership"]
    received = long_date(context["received"])
    lines = [f"Dear {bidder['contact_name'] or 'applicant'},", ""]
    if context["unreadable"]:
        downloads = " or ".join(context["form"]["downloads"])
        lines += [
            f"We received a file called {context['file']} on {received}, but we could not read it: "
            f"{context['reason'] or 'it is not a copy of our form'}.",
            "",
            f"Please download a fresh copy of the {context['form']['title']}" + (f" ({downloads})" if downloads else "")
            + ", fill it in and send us the saved file as it is, as a Word document (.docx) or a PDF. "
            "Please do not print and scan it or convert it: we read the answers straight from the boxes.",
        ]  # fmt: skip
    else:
        problems = context["problems"]
        lines += [
            f"Thank you for your {context['form']['title']}, which we received as {context['file']} on {received}. "
            f"We cannot consider it until {'this is' if len(problems) == 1 else 'these are'} put right:",
            "",
            *(f"- {problem['text']}" for problem in problems),
            "",
            "Please correct the form you sent and send us the whole form again: your new copy replaces the one we have.",
        ]
    when = (
        f"Please send it to us by {long_date(context['closing_date'])}, the closing date"
        if context["closing_date"]
        else "Please send it to us as soon as you can"
    )
    if partnership["returns_email"]:
        when += f", by email to {partnership['returns_email']}"
    lines += ["", when + "."]
    if partnership["returns_address"]:
        lines += ["", f"You may also post it to: {partnership['returns_address']}"]
    ask = partnership["contact_name"] or partnership["name"]
    if partnership["contact_email"]:
        ask += f" at {partnership['contact_email']}"
    if partnership["contact_phone"]:
        ask += f" or on {partnership['contact_phone']}"
    lines += ["", f"If you have any questions, please contact {ask}.", "", "Yours sincerely,"]
    lines += [partnership["contact_name"] or partnership["name"]]
    if partnership["contact_name"]:
        lines += [partnership["name"]]
    return "\n".join(lines)


def write_chase_letters(out: Path, *, today: dt.date | None = None) -> ChaseResult:
    """Write ``out/letters/`` (one Word letter per return to chase) and ``out/chase.csv`` from the register in ``out``.

    A letter that cannot be written is reported in the result and the rest carry on.
    """
    today = today or dt.date.today()
    settings = project_settings()
    result = ChaseResult(folder=out / "letters", csv=out / "chase.csv")
    addresses: _Addresses | None = None  # worked out at the first letter: a batch with none to chase needs none
    names = FileNames()
    rows: list[list[Any]] = []
    with Register(out / "register.sqlite") as register, replaced_folder(result.folder) as folder:
        for row in register.versions(current=True):
            if not needs_letter(row):
                if row.current and row.gone_at is None and row.status == "invalid":
                    result.officer_only += 1
                elif row.current and row.gone_at is None and row.status == "unreadable":
                    result.retried += 1
                continue
            if addresses is None:
                addresses = _Addresses()
                result.notes = addresses.notes
            addressee = addresses.of(row)
            organisation, contact_name, email = addressee
            try:  # a return that cannot be written to is reported; the others still get their letters
                context = letter_context(row, addressee, _form_of(row, addresses.bid_kind), settings, today)
                body = email_body(context)
            except (CommissionError, ValueError, TypeError, KeyError) as exc:
                result.failed.append((row.path, str(exc) or type(exc).__name__))
                continue
            letter: str | None = None
            try:
                # python-docx (about 50 ms to import) is loaded only once some return needs a letter
                from ..documents.letter_templates import CHASE_LETTER

                title = letter_title(CHASE_LETTER, context, f"Letter about {row.path}")
                document, issues = render_letter(CHASE_LETTER, context, issued=today, title=title)
                if document is None:
                    raise CommissionError("its data does not fit the letter: " + "; ".join(i.line() for i in issues))
                letter = names.take(safe_stem(organisation, row.path))
                (folder / letter).write_bytes(document)
            except (CommissionError, OSError, ValueError, TypeError, KeyError) as exc:
                letter = None  # still in chase.csv, to be sent without a letter
                result.failed.append((row.path, str(exc) or type(exc).__name__))
            problems = len(context["problems"])
            result.chased.append(
                Chased(row.path, organisation, contact_name, email, letter, context["unreadable"], problems)
            )
            rows.append([organisation, contact_name, email, _subject(context), body, letter, row.path])
    with atomic_path(result.csv) as temporary, open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHASE_COLUMNS)
        for values in rows:
            writer.writerow([cell_value(value) for value in values])
    return result
