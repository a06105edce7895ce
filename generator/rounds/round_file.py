"""Read a round file: the money, the bids and their evaluation reports, all checked first.

A round file is YAML (or JSON) written by the Supporting People team::

    name: Kent Supporting People growth bids 2027-28
    money_available: 200000.00
    hold_back_percent: 10            # or hold_back_amount: 20000.00; optional
    decision_date: 2026-09-24        # optional
    scale: herefordshire-0-4         # optional: the scale weighted scores are on
    moderation:                      # optional: when to flag evaluators' disagreement
      criteria_met_spread: 1
      weighted_score_spread: 15
    bids:
      - {reference: GB-2026-003, file: ../growth-bid/dartford.yaml}
    evaluations:
      - ../evaluation-report/dartford.yaml
      - reports/*.yaml                 # a pattern picks up a folder of returns
      - {file: moderated/GB-2026-003.yaml, moderated: true}

Which kinds the bids and reports are, which of their fields the round reads,
the criteria, weights, scale and ranking rule come from the round file or the
project's ``commission.yaml`` (``generator.rounds.definition``).

Bids and reports may also come straight from the returns::

    bids_from: ../build/returns/register.sqlite    # a batch register, or a folder of returns
    evaluations_from: ../returns/evaluations/       # the same for the evaluation reports
    reference: {prefix: GB}                         # how a bid without a reference is numbered

and an entry under ``bids:`` or ``evaluations:`` may be a returned form
(``.docx``, ``.pdf``, ``.odt``) as well as a YAML or JSON record. Reading those
is the job of the :class:`~generator.rounds.sources.Loader` the caller hands in
(``generator.intake``); without one, only records are read.

Paths are relative to the round file. Every problem in the round file, the
bids and the reports is collected and reported together, each naming its file
and field, before anything is decided: a decision is never made on a record
that does not validate.
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..forms.order import form_layout_for, in_form_order
from ..records.criteria import Scale
from ..records.errors import UnreadableFileError, os_reason
from ..records.issues import Issue
from ..records.loading import load_data_file
from ..records.messages import field_label
from ..records.money import MoneyError, parse_money
from ..records.schemas import field_for_pointer, schema_info, versions
from ..records.scoring import block_score
from ..records.validation import validate_record
from .definition import RoundDefinition, answers_of, read_definition, value_at
from .evaluation import Bid, RoundMoney
from .moderation import Assessment, Thresholds
from .problems import Problems, RoundFileError, shown
from .scale_check import scale_issues
from .settings import LABELS, read_settings
from .sources import Loaded, Loader

__all__ = ["LoadedReport", "RoundFileError", "RoundSpec", "read_round"]


@dataclass(frozen=True)
class LoadedReport:
    """One evaluation report in the round, with the assessment read from it."""

    path: Path
    record: Mapping[str, Any]
    assessment: Assessment


@dataclass(frozen=True)
class RoundSpec:
    """Everything a round decision needs, read and checked."""

    path: Path
    name: str
    money: RoundMoney
    decision_date: dt.date | None
    #: None for a round whose reports have no scores.
    scale: Scale | None
    thresholds: Thresholds
    bids: tuple[Bid, ...]
    bid_records: Mapping[str, Mapping[str, Any]]
    reports: Mapping[str, tuple[LoadedReport, ...]]
    #: What the round is over: its kinds, their fields, the criteria and the ranking rule.
    definition: RoundDefinition
    warnings: tuple[Issue, ...] = field(default=())


class _Reader:
    """Reads the bids and reports a round file lists, recording every problem."""

    def __init__(
        self, path: Path, today: dt.date | None, within: Path | None = None, loader: Loader | None = None
    ) -> None:
        self.path = path
        #: Reads returned forms and registers; None: only YAML and JSON records are read.
        self.loader = loader
        #: The returned forms listed by name: the same one found in a register is not taken twice.
        self.listed: set[str] = set()
        self.folder = path.parent
        #: Every file the round names must be inside this folder (the round file's own, unless widened).
        self.within = (within or self.folder).resolve()
        self.today = today
        self.found = Problems()
        self.bid_references: list[str] = []
        #: What the round is over; read before any bid (``read`` sets it).
        self.definition: RoundDefinition

    def problem(self, key: str, message: str, value: Any = None, pointer: str | None = None, label: str = "") -> None:
        self.found.add(self.path, pointer or f"/{key}", label or LABELS.get(key, key), message, value)

    def outside(self, file: Path) -> bool:
        """Whether ``file`` lies outside the folder the round may read from (links followed)."""
        try:
            file.resolve().relative_to(self.within)
        except ValueError:
            return True
        return False

    def _outside_message(self, what: str) -> str:
        return (
            f"{what} outside {self.within}, the folder this round may read from; move it there, "
            "or give a wider folder with --within"
        )

    def load(self, file: Path, kind: str, version: str | None = None) -> tuple[Mapping[str, Any], str | None] | None:
        """The record in ``file`` and the version of the form it is on (None, with its problems, if unusable)."""
        if self.outside(file):
            self.found.add(file, "", "File", self._outside_message("this file is"))
            return None
        if self.loader is not None and (returned := self.loader.returned(file, kind, self.today)) is not None:
            if version is not None and returned.version not in (None, version):
                message = f"the round file says version {version}, but the form itself is version {returned.version}"
                self.found.add(file, "", "File", message)
                return None
            if returned.sha256:
                self.listed.add(returned.sha256)
            record = self.take(returned)
            return None if record is None else (record, returned.version)
        try:
            record = load_data_file(file)
        except UnreadableFileError as exc:
            self.found.add(file, "", "File", exc.reason)
            return None
        issues = in_form_order(
            validate_record(record, kind, version=version, today=self.today), form_layout_for(kind, version)
        )
        self.found.extend(file, issues)
        return None if any(i.severity == "error" for i in issues) else (record, version)

    def take(self, loaded: Loaded) -> Mapping[str, Any] | None:
        """The record of a loaded return, its problems recorded (None if it has an error)."""
        self.found.extend(loaded.name, loaded.issues)
        if loaded.record is None or any(i.severity == "error" for i in loaded.issues):
            return None
        return loaded.record

    def from_source(self, raw: Mapping[str, Any], key: str, kind: str, *, bids: bool) -> list[Loaded]:
        """What ``bids_from:`` or ``evaluations_from:`` names: the current return of each bid there.

        A return also listed by name (under ``bids:`` or ``evaluations:``) is taken from its entry only,
        which may say more (its reference, that it is the moderated report).
        """
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, str) or not value.strip():
            message = (
                "expected the path of a batch register (register.sqlite in the batch's --out folder) "
                "or of a folder of returns"
            )
            self.problem(key, message, value)
            return []
        source = self.folder / value
        if self.outside(source):
            self.problem(key, self._outside_message("this register or folder is"), value)
            return []
        if not source.exists():
            self.problem(key, f"there is no register or folder {value}", value)
            return []
        if self.loader is None:
            self.problem(key, "registers and returned forms are read only by 'commission evaluate'", value)
            return []
        fields = self.definition.bid_fields
        numbering = self.definition.numbering if bids else None
        own = fields.get("reference") if bids else None
        found = self.loader.returns_in(source, kind, self.today, numbering, own)
        if not found:
            # No bids is no round; reports may simply not be in yet.
            message = f"there is no {schema_info(kind).title} return in {value}"
            self.found.add(self.path, f"/{key}", LABELS[key], message, value, warn=not bids)
        return [item for item in found if item.sha256 is None or item.sha256 not in self.listed]

    def bids(self, raw: Mapping[str, Any]) -> tuple[list[Bid], dict[str, Mapping[str, Any]]]:
        from_source = "bids_from" in raw
        entries = raw.get("bids", [] if from_source else None)
        if not isinstance(entries, list) or not (entries or from_source):
            self.problem("bids", "list at least one bid, each with its reference and file", entries)
            return [], {}
        bids, records, files = [], {}, {}
        for row, entry in enumerate(entries):
            where = f"/bids/{row}"
            label = f"Bids, row {row + 1}"
            # With the bid's own reference field named, an entry may leave the reference to the bid.
            needs = {"file"} if "reference" in self.definition.bid_fields else {"reference", "file"}
            if not isinstance(entry, Mapping) or not needs <= set(entry) <= _BID_KEYS:
                self.problem(
                    "bids",
                    "expected a reference and a file, such as {reference: GB-2027-001, file: "
                    "bids/gb-2027-001.yaml}, and at most the version of the form it was made on "
                    "(version: 1.0.0)",
                    entry,
                    where,
                    label,
                )
                continue
            reference, name = entry.get("reference"), entry["file"]
            if "reference" in entry and not self.reference_is_new(reference, f"{where}/reference", label):
                continue
            if not isinstance(name, str) or not name.strip():
                self.problem("bids", "the file must be filled in", name, f"{where}/file", label)
                continue
            file = self.folder / name
            if file.resolve() in files:
                self.problem(
                    "bids", f"this file is already listed for {files[file.resolve()]}", name, f"{where}/file", label
                )
                continue
            files[file.resolve()] = reference or name
            version = entry.get("version")
            kind = self.definition.bid_kind
            if version is not None and (not isinstance(version, str) or version not in versions(kind)):
                known_versions = ", ".join(versions(kind))
                self.problem("bids", f"there is no released version {version!r} (released: {known_versions})",
                             version, f"{where}/version", label)  # fmt: skip
                continue
            if lacking := _lacking(kind, version, self.definition.needed()):
                self.found.add(file, "", "File", f"version {version} of the form has no {lacking}, which a round needs")
                continue
            loaded = self.load(file, kind, version)
            if loaded is None:
                continue
            record, made_on = loaded
            if made_on != version and (lacking := _lacking(kind, made_on, self.definition.needed())):
                self.found.add(file, "", "File", f"version {made_on} of the form has no {lacking}, which a round needs")
                continue
            if reference is None:
                reference = value_at(record, self.definition.bid_fields["reference"])
                if not self.reference_is_new(reference, f"{where}/file", label):
                    continue
            bid = self.bid(file, record, reference)
            if bid is not None:
                records[reference] = record
                bids.append(bid)
        from_register = []
        for item in self.from_source(raw, "bids_from", self.definition.bid_kind, bids=True):
            if (found := self.source_bid(item)) is not None:
                records[found.reference] = item.record or {}
                from_register.append(found)
        return bids + sorted(from_register, key=lambda bid: bid.reference), records

    def source_bid(self, item: Loaded) -> Bid | None:
        """A bid from a register or a folder of returns, with the reference it has or was given."""
        record = self.take(item)
        if record is None:
            return None
        kind, fields = self.definition.bid_kind, self.definition.bid_fields
        if lacking := _lacking(kind, item.version, self.definition.needed()):
            self.found.add(
                item.name, "", "File", f"version {item.version} of the form has no {lacking}, which a round needs"
            )
            return None
        typed = value_at(record, fields["reference"]) if "reference" in fields else None
        reference = typed if isinstance(typed, str) and typed.strip() else item.reference
        if reference is None:
            message = (
                "this bid has no reference, and the round does not say how to number bids; add "
                "reference: {prefix: GB} to the round file, or under round: in commission.yaml"
            )
            self.found.add(item.name, "", "Reference", message)
            return None
        if reference in self.bid_references:
            self.found.add(item.name, "", "Reference", f"the reference {reference} is another bid's in this round")
            return None
        self.bid_references.append(reference)
        return self.bid(item.name, record, reference)

    def reference_is_new(self, reference: Any, pointer: str, label: str) -> bool:
        """Whether ``reference`` is filled in and not already a bid's (else the problem is recorded)."""
        if not isinstance(reference, str) or not reference.strip():
            self.problem("bids", "the reference must be filled in", reference, pointer, label)
            return False
        if reference in self.bid_references:
            self.problem("bids", f"the reference {reference} is used twice", reference, pointer, label)
            return False
        self.bid_references.append(reference)
        return True

    def bid(self, file: Path | str, record: Mapping[str, Any], reference: str) -> Bid | None:
        """The bid in ``record``, read through the round's fields (``None``, with the problem, if it cannot be)."""
        fields, kind = self.definition.bid_fields, self.definition.bid_kind
        if "reference" in fields and value_at(record, fields["reference"]) != reference:
            given = value_at(record, fields["reference"])
            message = f"the round file lists this bid as {reference}, but the bid says {given}"
            self.found.add(file, fields["reference"], field_label(kind, fields["reference"]), message, given)
            return None
        unanswered = [pointer for pointer in self.definition.needed() if value_at(record, pointer) in (None, "")]
        for pointer in unanswered:
            message = "this bid does not answer it, and a round needs it to rank the bid"
            self.found.add(file, pointer, field_label(kind, pointer), message)
        if unanswered:
            return None
        amount_at = fields["amount"]
        try:
            amount = parse_money(value_at(record, amount_at))
        except MoneyError as exc:
            self.found.add(file, amount_at, field_label(kind, amount_at), str(exc), value_at(record, amount_at))
            return None
        eligible = value_at(record, fields["eligible"]) if "eligible" in fields else None
        return Bid(
            reference=reference,
            organisation=str(value_at(record, fields["organisation"])),
            proposal_title=str(value_at(record, fields["title"])),
            annual_amount=amount,
            submitted=dt.date.fromisoformat(str(value_at(record, fields["submitted"]))),
            eligible=eligible if isinstance(eligible, bool) else None,
        )

    def report_files(self, raw: Mapping[str, Any]) -> list[tuple[Path, bool, str | None]]:
        entries = raw.get("evaluations", [])
        if not isinstance(entries, list):
            self.problem("evaluations", "expected a list of evaluation report files", entries)
            return []
        out: list[tuple[Path, bool, str | None]] = []
        for row, entry in enumerate(entries):
            where, label = f"/evaluations/{row}", f"Evaluation reports, row {row + 1}"
            moderated, version = False, None
            if isinstance(entry, Mapping):
                unknown = set(entry) - {"file", "moderated", "version"}
                moderated, version = entry.get("moderated", False), entry.get("version")
                released = versions(self.definition.report_kind)
                if unknown or not isinstance(moderated, bool) or (version is not None and version not in released):
                    self.problem(
                        "evaluations",
                        "expected a file and, if it is the moderated report, moderated: true, and for a report made "
                        f"on an older form its version (released: {', '.join(released)})",
                        entry,
                        where,
                        label,
                    )
                    continue
                entry = entry.get("file")
            if not isinstance(entry, str) or not entry.strip():
                self.problem("evaluations", "expected the path of an evaluation report file", entry, where, label)
                continue
            if any(mark in entry for mark in "*?["):
                try:
                    matches = sorted(Path(p) for p in glob.glob(str(self.folder / entry)) if Path(p).is_file())
                except OSError as exc:
                    message = f"the files matching '{entry}' cannot be listed ({os_reason(exc)})"
                    self.problem("evaluations", message, entry, where, label)
                    continue
                if any(self.outside(match) for match in matches):
                    self.problem("evaluations", self._outside_message(f"'{entry}' matches files"), entry, where, label)
                    continue
                if not matches:
                    self.problem("evaluations", f"no file matches '{entry}'", entry, where, label)
                out.extend((match, moderated, version) for match in matches)
            else:
                out.append((self.folder / entry, moderated, version))
        return out

    def reports(self, raw: Mapping[str, Any], bids: list[Bid], on: Scale | None) -> dict[str, tuple[LoadedReport, ...]]:
        by_ref: dict[str, list[LoadedReport]] = {}
        known = {bid.reference: bid for bid in bids}
        seen: set[Path] = set()
        definition = self.definition
        kind, fields = definition.report_kind, definition.report_fields
        listed: list[tuple[Path, Path | str, Mapping[str, Any] | None, bool]] = []
        for file, moderated, version in self.report_files(raw):
            if file.resolve() in seen:
                self.found.add(file, "", "File", "this report is listed twice in the round file; list it once")
                continue
            seen.add(file.resolve())
            loaded = self.load(file, kind, version)
            listed.append((file, file, loaded[0] if loaded else None, moderated))
        for item in self.from_source(raw, "evaluations_from", kind, bids=False):
            listed.append((item.key, item.name, self.take(item), False))
        for file, name, record, moderated in listed:
            if record is None:
                continue
            issues = []
            if "scores" in fields and on is not None:
                issues = scale_issues(record, on, kind=kind, at=fields["scores"])
            self.found.extend(name, issues)
            reference = value_at(record, fields["reference"])
            if reference not in known:
                if reference not in self.bid_references:
                    hint = difflib.get_close_matches(str(reference), self.bid_references, n=1)
                    also = f" Did you mean {hint[0]}?" if hint else f" Its bids are {', '.join(self.bid_references)}."
                    self.found.add(
                        name,
                        fields["reference"],
                        field_label(kind, fields["reference"]),
                        f"no bid in the round has the reference {reference}.{also}",
                        reference,
                    )
                continue
            organisation = value_at(record, fields["organisation"])
            if organisation != known[reference].organisation:
                self.found.add(
                    name,
                    fields["organisation"],
                    field_label(kind, fields["organisation"]),
                    f"the bid {reference} is from {known[reference].organisation}, not {organisation}",
                    organisation,
                    warn=True,
                )
            if issues:
                continue
            scores = value_at(record, fields["scores"]) if "scores" in fields else None
            assessment = Assessment(
                source=name if isinstance(name, str) else shown(name),
                evaluator=str(value_at(record, fields["evaluator"])),
                answers=answers_of(record, definition),
                weighted_score=block_score(scores, definition.weights) if definition.weights else None,
                moderated=moderated,
            )
            by_ref.setdefault(reference, []).append(LoadedReport(file, record, assessment))
        for reference, loaded in by_ref.items():
            moderated_reports = [r for r in loaded if r.assessment.moderated]
            for extra in moderated_reports[1:]:
                self.found.add(
                    extra.path,
                    "",
                    "File",
                    f"{reference} already has a moderated report ({shown(moderated_reports[0].path)}); "
                    "a bid can have only one",
                )
        return {ref: tuple(loaded) for ref, loaded in by_ref.items()}

    def read(self) -> RoundSpec:
        raw = load_data_file(self.path)
        if not isinstance(raw, Mapping):
            message = "a round file must be a set of settings (name, money_available, bids...)"
            self.problem("", message, None, "", "Round")
            raise RoundFileError(self.path, self.found.errors)
        definition = read_definition(self.path, raw, self.found)
        default_scale, weights = (definition.scale, definition.weights) if definition else (None, None)
        settings = read_settings(self.path, raw, self.found, default_scale, weights)
        if definition is None:
            raise RoundFileError(self.path, self.found.errors)
        self.definition = definition
        bids, records = self.bids(raw)
        reports = self.reports(raw, bids, settings.scale)
        if self.found.errors or settings.money is None:
            raise RoundFileError(self.path, self.found.errors)
        return RoundSpec(
            path=self.path,
            name=settings.name,
            money=settings.money,
            decision_date=settings.decision_date,
            scale=settings.scale,
            thresholds=settings.thresholds,
            definition=definition,
            bids=tuple(bids),
            bid_records=records,
            reports=reports,
            warnings=tuple(self.found.warnings),
        )


#: What a bid entry may say: its reference, its file and, for a bid made on an older form, that form's version.
_BID_KEYS = frozenset({"reference", "file", "version"})


def _lacking(kind: str, version: str | None, needed: tuple[str, ...]) -> str:
    """The questions a round needs that ``version`` of the form does not ask, as their labels ('' if none)."""
    if version is None:
        return ""
    missing = [p for p in needed if field_for_pointer(kind, p, version) is None]
    return ", ".join(_label_anywhere(kind, p) for p in missing)


def _label_anywhere(kind: str, pointer: str) -> str:
    """A question's label in the newest version that asks it (the version at hand may not)."""
    asking = [v for v in reversed(versions(kind)) if field_for_pointer(kind, pointer, v) is not None]
    return field_label(kind, pointer, asking[0]) if asking else pointer


def read_round(
    path: Path | str, today: dt.date | None = None, within: Path | None = None, loader: Loader | None = None
) -> RoundSpec:
    """The round file at ``path`` with its bids and reports, or a RoundFileError listing every problem.

    Bids and reports must lie inside ``within`` (default: the round file's folder), so a round file
    cannot make the toolkit read, and echo, any other file on the machine. ``loader`` reads returned
    forms and batch registers (``generator.intake``); without it, only YAML and JSON records are read.
    """
    return _Reader(Path(path), today, within, loader).read()
