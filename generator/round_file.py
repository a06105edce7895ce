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

Paths are relative to the round file. Every problem in the round file, the
bids and the reports is collected and reported together, each naming its file
and field, before anything is decided: a decision is never made on a record
that does not validate. (A ``bids_from:`` key for reading bids from a batch
register is reserved for later.)
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .criteria import Scale, criteria_set, scales
from .errors import EXIT_INVALID, CommissionError, UnreadableFileError
from .evaluation import Bid, RoundMoney, round_money
from .issues import Issue
from .loading import load_data_file
from .moderation import Assessment, Thresholds
from .money import MoneyError, parse_money
from .scale_check import report_scale, scale_issues
from .scoring import weighted_score
from .validation import validate_record

__all__ = ["LoadedReport", "RoundFileError", "RoundSpec", "read_round"]

#: The criteria set bids are ranked by.
RANKING_SET = "kent"

_LABELS = {
    "name": "Round name",
    "money_available": "Money available",
    "hold_back_percent": "Share held back (per cent)",
    "hold_back_amount": "Amount held back",
    "decision_date": "Date of decision",
    "scale": "Scoring scale",
    "moderation": "Moderation thresholds",
    "bids": "Bids",
    "evaluations": "Evaluation reports",
}
_LATER = {
    "bids_from": "reading bids from a batch register is not available yet; list each bid's reference and file under 'bids'",
}
#: The round summary's name is a short answer (``short_text`` in the schemas).
_NAME_LIMIT = 200
_MODERATION_KEYS = ("criteria_met_spread", "weighted_score_spread")


@dataclass(frozen=True)
class LoadedReport:
    """One evaluation report in the round, with the assessment read from it."""

    path: Path
    record: Mapping[str, Any]
    assessment: Assessment

    @property
    def reference(self) -> str:
        return str(self.record["bid"]["reference"])


@dataclass(frozen=True)
class RoundSpec:
    """Everything a round decision needs, read and checked."""

    path: Path
    name: str
    money: RoundMoney
    decision_date: dt.date | None
    scale: Scale
    thresholds: Thresholds
    bids: tuple[Bid, ...]
    bid_records: Mapping[str, Mapping[str, Any]]
    reports: Mapping[str, tuple[LoadedReport, ...]]
    warnings: tuple[Issue, ...] = field(default=())


class RoundFileError(CommissionError):
    """The round cannot be decided until these problems are put right."""

    exit_code = EXIT_INVALID

    def __init__(self, round_path: Path, problems: list[Issue]) -> None:
        self.problems = problems
        lines = [f"{round_path}: the round cannot be decided until {_count(len(problems), 'problem')} put right."]
        for name in dict.fromkeys(p.extra["file"] for p in problems):
            lines.append(f"  {name}")
            lines.extend(f"    {p.path or '/'}  {p.field}: {p.message}" for p in problems if p.extra["file"] == name)
        super().__init__("\n".join(lines))


def _count(n: int, word: str) -> str:
    return f"{n} {word} is" if n == 1 else f"{n} {word}s are"


def _shown(path: Path) -> str:
    """A path as a person would type it: relative to here when it is below here."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return os.path.normpath(path)
    return os.path.normpath(path if relative.startswith("..") else relative)


class _Collector:
    """Problems and warnings, each tagged with the file it is about."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, file: Path, pointer: str, label: str, message: str, value: Any = None, *, warn: bool = False) -> None:
        severity = "warning" if warn else "error"
        self.items.append(Issue(pointer, label, message, value, "round-file", severity, {"file": _shown(file)}))

    def extend(self, file: Path, issues: list[Issue]) -> None:
        for issue in issues:
            self.items.append(
                Issue(
                    issue.path,
                    issue.field,
                    issue.message,
                    issue.value,
                    issue.rule,
                    issue.severity,
                    {"file": _shown(file)},
                )
            )

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if i.severity != "error"]


class _Reader:
    def __init__(self, path: Path, today: dt.date | None) -> None:
        self.path = path
        self.folder = path.parent
        self.today = today
        self.found = _Collector()
        self.bid_references: list[str] = []

    def problem(self, key: str, message: str, value: Any = None, pointer: str | None = None, label: str = "") -> None:
        self.found.add(self.path, pointer or f"/{key}", label or _LABELS.get(key, key), message, value)

    # -- the round's own settings ---------------------------------------------------------

    def keys(self, raw: Mapping[str, Any]) -> None:
        for key in raw:
            if key in _LATER:
                self.problem(key, _LATER[key], raw[key])
            elif key not in _LABELS:
                hint = difflib.get_close_matches(str(key), list(_LABELS), n=1)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; known keys: {', '.join(_LABELS)}"
                self.problem(key, f"'{key}' is not a setting of a round file{suggestion}", raw[key])

    def text(self, raw: Mapping[str, Any], key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "this must be filled in with a name for the round, such as 'Growth bids 2027-28'", value)
            return ""
        if len(value.strip()) > _NAME_LIMIT:
            self.problem(
                key, f"keep the name to {_NAME_LIMIT} characters or fewer (it has {len(value.strip())})", value
            )
        return value.strip()

    def money(self, raw: Mapping[str, Any], key: str, *, required: bool) -> Decimal | None:
        if key not in raw:
            if required:
                self.problem(key, "this must be filled in; enter an amount in pounds, such as 150000.00")
            return None
        try:
            return parse_money(raw[key])
        except MoneyError as exc:
            self.problem(key, str(exc), raw[key])
            return None

    def percent(self, raw: Mapping[str, Any], key: str) -> Decimal | None:
        if key not in raw:
            return None
        value = raw[key]
        try:
            number = Decimal(str(value)) if isinstance(value, int | float) and not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not 0 <= number <= 100:
            self.problem(key, f"expected a percentage from 0 to 100, such as 10, not {value!r}", value)
            return None
        return number

    def date(self, raw: Mapping[str, Any], key: str) -> dt.date | None:
        if key not in raw:
            return None
        try:
            return dt.date.fromisoformat(str(raw[key]))
        except ValueError:
            self.problem(key, f"expected a date such as 2027-09-24, not {raw[key]!r}", raw[key])
            return None

    def scale(self, raw: Mapping[str, Any]) -> Scale:
        name = raw.get("scale")
        if name is not None and name not in scales():
            self.problem("scale", f"there is no scale '{name}'; choose one of {', '.join(scales())}", name)
            name = None
        return report_scale(name)

    def thresholds(self, raw: Mapping[str, Any]) -> Thresholds:
        block = raw.get("moderation", {})
        if not isinstance(block, Mapping):
            self.problem("moderation", f"expected the settings {' and '.join(_MODERATION_KEYS)}", block)
            return Thresholds()
        default = Thresholds()
        for key in block:
            if key not in _MODERATION_KEYS:
                self.problem(
                    "moderation",
                    f"'{key}' is not a moderation setting; use {' or '.join(_MODERATION_KEYS)}",
                    key,
                    f"/moderation/{key}",
                )
        met = block.get("criteria_met_spread", default.criteria_met_spread)
        spread = block.get("weighted_score_spread", default.weighted_score_spread)
        if not isinstance(met, int) or isinstance(met, bool) or met < 0:
            self.problem(
                "moderation",
                f"expected a whole number of criteria, 0 or more, not {met!r}",
                met,
                "/moderation/criteria_met_spread",
                "Moderation – criteria met spread",
            )
            met = default.criteria_met_spread
        if not isinstance(spread, int | float | Decimal) or isinstance(spread, bool) or spread < 0:
            self.problem(
                "moderation",
                f"expected a number of points out of 100, 0 or more, not {spread!r}",
                spread,
                "/moderation/weighted_score_spread",
                "Moderation – weighted score spread",
            )
            spread = default.weighted_score_spread
        return Thresholds(met, Decimal(str(spread)))

    # -- bids and reports -----------------------------------------------------------------

    def load(self, file: Path, kind: str) -> Mapping[str, Any] | None:
        try:
            record = load_data_file(file)
        except UnreadableFileError as exc:
            self.found.add(file, "", "File", exc.reason)
            return None
        issues = validate_record(record, kind, today=self.today)
        self.found.extend(file, issues)
        return None if any(i.severity == "error" for i in issues) else record

    def bids(self, raw: Mapping[str, Any]) -> tuple[list[Bid], dict[str, Mapping[str, Any]]]:
        entries = raw.get("bids")
        if not isinstance(entries, list) or not entries:
            self.problem("bids", "list at least one bid, each with its reference and file", entries)
            return [], {}
        bids, records, files = [], {}, {}
        for row, entry in enumerate(entries):
            where = f"/bids/{row}"
            label = f"Bids, row {row + 1}"
            if not isinstance(entry, Mapping) or set(entry) != {"reference", "file"}:
                self.problem(
                    "bids",
                    "expected a reference and a file, such as {reference: GB-2027-001, file: "
                    "bids/gb-2027-001.yaml}, and nothing else",
                    entry,
                    where,
                    label,
                )
                continue
            reference, name = entry["reference"], entry["file"]
            if not isinstance(reference, str) or not reference.strip():
                self.problem("bids", "the reference must be filled in", reference, f"{where}/reference", label)
                continue
            if reference in self.bid_references:
                self.problem("bids", f"the reference {reference} is used twice", reference, f"{where}/reference", label)
                continue
            self.bid_references.append(reference)
            if not isinstance(name, str) or not name.strip():
                self.problem("bids", "the file must be filled in", name, f"{where}/file", label)
                continue
            file = self.folder / name
            if file.resolve() in files:
                self.problem(
                    "bids", f"this file is already listed for {files[file.resolve()]}", name, f"{where}/file", label
                )
                continue
            files[file.resolve()] = reference
            record = self.load(file, "growth-bid")
            if record is None:
                continue
            records[reference] = record
            bids.append(
                Bid(
                    reference=reference,
                    organisation=record["applicant"]["organisation"],
                    proposal_title=record["proposal_title"],
                    annual_amount=parse_money(record["annual_amount"]),
                    submitted=dt.date.fromisoformat(record["submission_date"]),
                    commissioning_partner=record["applicant"].get("is_commissioning_partner"),
                )
            )
        return bids, records

    def report_files(self, raw: Mapping[str, Any]) -> list[tuple[Path, bool]]:
        entries = raw.get("evaluations", [])
        if not isinstance(entries, list):
            self.problem("evaluations", "expected a list of evaluation report files", entries)
            return []
        out: list[tuple[Path, bool]] = []
        for row, entry in enumerate(entries):
            where, label = f"/evaluations/{row}", f"Evaluation reports, row {row + 1}"
            moderated = False
            if isinstance(entry, Mapping):
                unknown = set(entry) - {"file", "moderated"}
                moderated = entry.get("moderated", False)
                if unknown or not isinstance(moderated, bool):
                    self.problem(
                        "evaluations",
                        "expected a file and, if it is the moderated report, moderated: true",
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
                matches = sorted(Path(p) for p in glob.glob(str(self.folder / entry)) if Path(p).is_file())
                if not matches:
                    self.problem("evaluations", f"no file matches '{entry}'", entry, where, label)
                out.extend((match, moderated) for match in matches)
            else:
                out.append((self.folder / entry, moderated))
        return out

    def reports(self, raw: Mapping[str, Any], bids: list[Bid], on: Scale) -> dict[str, tuple[LoadedReport, ...]]:
        by_ref: dict[str, list[LoadedReport]] = {}
        known = {bid.reference: bid for bid in bids}
        seen: set[Path] = set()
        for file, moderated in self.report_files(raw):
            if file.resolve() in seen:
                self.found.add(file, "", "File", "this report is listed twice in the round file; list it once")
                continue
            seen.add(file.resolve())
            record = self.load(file, "evaluation-report")
            if record is None:
                continue
            issues = scale_issues(record, on)
            self.found.extend(file, issues)
            reference = record["bid"]["reference"]
            if reference not in known:
                if reference not in self.bid_references:
                    hint = difflib.get_close_matches(reference, self.bid_references, n=1)
                    also = f" Did you mean {hint[0]}?" if hint else f" Its bids are {', '.join(self.bid_references)}."
                    self.found.add(
                        file,
                        "/bid/reference",
                        "Bid evaluated – Bid reference",
                        f"no bid in the round has the reference {reference}.{also}",
                        reference,
                    )
                continue
            if record["bid"]["organisation"] != known[reference].organisation:
                self.found.add(
                    file,
                    "/bid/organisation",
                    "Bid evaluated – Bidding organisation",
                    f"the bid {reference} is from {known[reference].organisation}, not {record['bid']['organisation']}",
                    record["bid"]["organisation"],
                    warn=True,
                )
            if issues:
                continue
            assessment = Assessment(
                source=_shown(file),
                evaluator=record["evaluator"]["name"],
                answers={key: value["answer"] for key, value in record["kent_criteria"].items()},
                weighted_score=weighted_score(record),
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
                    f"{reference} already has a moderated report ({_shown(moderated_reports[0].path)}); "
                    "a bid can have only one",
                )
        return {ref: tuple(loaded) for ref, loaded in by_ref.items()}

    def read(self) -> RoundSpec:
        raw = load_data_file(self.path)
        if not isinstance(raw, Mapping):
            self.problem(
                "", "a round file must be a set of settings (name, money_available, bids...)", None, "", "Round"
            )
            raise RoundFileError(self.path, self.found.errors)
        self.keys(raw)
        name = self.text(raw, "name")
        available = self.money(raw, "money_available", required=True)
        percent = self.percent(raw, "hold_back_percent")
        amount = self.money(raw, "hold_back_amount", required=False)
        decision_date = self.date(raw, "decision_date")
        on = self.scale(raw)
        thresholds = self.thresholds(raw)
        money = None
        if available is not None:
            try:
                money = round_money(available, percent, amount)
            except ValueError as exc:
                self.problem("hold_back_amount" if amount is not None else "hold_back_percent", str(exc))
        bids, records = self.bids(raw)
        reports = self.reports(raw, bids, on)
        if self.found.errors or money is None:
            raise RoundFileError(self.path, self.found.errors)
        return RoundSpec(
            self.path,
            name,
            money,
            decision_date,
            on,
            thresholds,
            tuple(bids),
            records,
            reports,
            tuple(self.found.warnings),
        )


def read_round(path: Path | str, today: dt.date | None = None) -> RoundSpec:
    """The round file at ``path`` with its bids and reports, or a RoundFileError listing every problem."""
    criteria_set(RANKING_SET)
    return _Reader(Path(path), today).read()
