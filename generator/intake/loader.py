"""The loader ``commission evaluate`` hands a round: returned forms and registers to :class:`Loaded` records."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..batch.identity import answer_at, normalised
from ..batch.register import Register, Version
from ..batch.run import run_batch
from ..forms.layout import FormLayout
from ..forms.order import form_layout_for, in_form_order, question_at
from ..records.errors import CommissionError
from ..records.issues import Issue
from ..records.references import ReferenceScheme
from ..records.schemas import schema_info
from ..returns.parse import Envelope, looks_like_a_return, parse_return
from ..rounds.problems import shown
from ..rounds.sources import Loaded

__all__ = ["REGISTER_NAME", "ReturnsLoader", "question_number"]

#: The register a batch writes in its --out folder.
REGISTER_NAME = "register.sqlite"
_HEAD = 16


def question_number(layout: FormLayout, pointer: str) -> str:
    """The number printed on the form for the question at ``pointer`` (a table's for a cell of it; '' if none)."""
    found = question_at(layout, pointer)
    return found[1].number if found else ""


def _issue(data: Mapping[str, Any]) -> Issue:
    """An issue as a register keeps it (``Issue.to_dict``)."""
    return Issue.from_dict(data)


def _not_a_record(kind: str, version: str | None) -> Issue:
    title = schema_info(kind, version).title
    message = f"this is not a {title} record: it answers none of the form's questions"
    return Issue("", "Document", message, rule="not-a-record")


def _answers_nothing(record: Mapping[str, Any] | None, raw: Mapping[str, Any] | None) -> bool:
    """Whether a return is the blank form sent back: no box typed in, no box ticked."""
    if raw:
        return not any(value not in (None, "", False) and value != [] for value in raw.values())
    return not record


def _judged(
    name: str,
    key: Path,
    kind: str,
    found_kind: str | None,
    version: str | None,
    status: str,
    record: Mapping[str, Any] | None,
    issues: list[Issue],
    reference: str | None = None,
    raw: Mapping[str, Any] | None = None,
    sha256: str | None = None,
) -> Loaded:
    """One return as the round sees it: its record if it is a valid return of ``kind``, else why not."""
    if status == "unreadable" or found_kind is None:
        return Loaded(name, key, None, version, tuple(issues) or (Issue("", "File", "this file cannot be read"),))
    if found_kind != kind:
        wanted, given = schema_info(kind).title, schema_info(found_kind, version).title
        message = f"this is the {given} form, not the {wanted} form; list it where the round reads those"
        return Loaded(name, key, None, version, (Issue("", "File", message, rule="wrong-kind"),))
    if _answers_nothing(record, raw):
        return Loaded(name, key, None, version, (_not_a_record(kind, version),))
    issues = in_form_order(issues, form_layout_for(kind, version))
    usable = record if status == "valid" else None
    return Loaded(name, key, usable, version, tuple(issues), reference, sha256)


class ReturnsLoader:
    """Reads returned forms, registers and folders of returns for one run of a round.

    A folder of returns is batched into ``work/<its name>-<hash>/``, so its references are kept
    there from one run to the next (use the same ``--out``, or batch it yourself and name the register).
    """

    def __init__(self, work: Path, jobs: int = 1) -> None:
        self.work = work
        self.jobs = jobs
        #: The register each folder was batched into in this run (a folder named twice is batched once).
        self._batched: dict[Path, Path] = {}
        #: Unreadable files already handed to the round, so one named by both sources is told once.
        self._told: set[tuple[Path, int]] = set()

    def returned(self, file: Path, kind: str, today: dt.date | None) -> Loaded | None:
        if not file.is_file():  # not there, or a pipe or device that could hang a read: the round's reading says so
            return None
        try:
            with file.open("rb") as handle:
                head = handle.read(_HEAD)
        except OSError:
            return None  # the round's own reading says why it cannot be opened
        if not looks_like_a_return(head):
            return None
        envelope: Envelope = parse_return(file, today=today)
        issues = [*envelope.errors, *envelope.warnings]
        return _judged(shown(file), file, kind, envelope.kind, envelope.version, envelope.status,
                       envelope.record, issues, raw=envelope.raw, sha256=envelope.sha256)  # fmt: skip

    def returns_in(
        self,
        source: Path,
        kind: str,
        today: dt.date | None,
        numbering: ReferenceScheme | None = None,
        own_reference: str | None = None,
    ) -> list[Loaded]:
        register_path = self._register(source, today)
        if isinstance(register_path, Loaded):
            return [register_path]
        try:
            with Register(register_path) as register:
                return self._read(register, register_path, kind, numbering, own_reference)
        except CommissionError as exc:  # a register made by a newer toolkit
            return [Loaded(shown(register_path), register_path, None, None, (Issue("", "File", str(exc)),))]
        except sqlite3.Error as exc:  # locked by a batch still running, or on a disk that cannot be written
            message = f"this register cannot be read now ({exc.sqlite_errorname}); try again when no batch is running"
            return [Loaded(shown(register_path), register_path, None, None, (Issue("", "File", message),))]

    def _register(self, source: Path, today: dt.date | None) -> Path | Loaded:
        """The register to read: the file named, the batch folder's, or a folder of returns batched now."""
        if source.is_file():
            if Register.is_register(source):
                return source
            message = "this is not a batch register; name the register.sqlite a batch wrote, or a folder of returns"
            return Loaded(shown(source), source, None, None, (Issue("", "File", message),))
        if (source / REGISTER_NAME).is_file() and Register.is_register(source / REGISTER_NAME):
            return source / REGISTER_NAME
        resolved = source.resolve()
        if resolved not in self._batched:
            digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:8]
            out = self.work / f"{resolved.name or 'returns'}-{digest}"
            run_batch(source, out, jobs=self.jobs, today=today)
            self._batched[resolved] = out / REGISTER_NAME
        return self._batched[resolved]

    def _read(
        self,
        register: Register,
        register_path: Path,
        kind: str,
        numbering: ReferenceScheme | None,
        own_reference: str | None,
    ) -> list[Loaded]:
        if numbering is not None:

            def has_own(version: Version) -> bool:
                return bool(own_reference and normalised(answer_at(version.record, own_reference)))

            register.assign_references(kind, numbering, has_own)
        references = register.references(kind)
        where = shown(register_path)
        out = []
        for version in register.versions(current=True):
            if version.gone_at is not None or version.status in ("skipped", "pending"):
                continue
            unknown = version.kind is None or version.status == "unreadable"
            if version.kind != kind and not unknown:
                continue
            if unknown:
                if (register_path.resolve(), version.id) in self._told:
                    continue
                self._told.add((register_path.resolve(), version.id))
            name = f"{version.path} (in the register {where})"
            issues = [_issue(error) for error in version.errors] + [_issue(w) for w in version.warnings]
            reference = references.get(version.bid or "")
            out.append(_judged(name, register_path / version.path, kind, version.kind, version.version,
                               version.status, version.record, issues, reference, version.raw,
                               version.sha256))  # fmt: skip
        return out
