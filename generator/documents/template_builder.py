"""Build the shipped Word templates in ``templates/`` with python-docx, reproducibly.

Officers restyle templates in Word, so everything here uses Word's own named
styles (Title, Heading 1 and 2, List Bullet, Table Grid, Strong, Footer)
rather than direct formatting: change a style and the whole document follows.
Each docxtpl tag sits alone in one run, the only arrangement that survives
being opened and saved; paragraph tags (``{%p ... %}``) and row tags
(``{%tr ... %}``) have a paragraph or table row to themselves.

Labels come from the schema's titles wherever a section is a field, so a
renamed field shows up as a difference between the committed templates and
a fresh build (a test compares them).

Accessibility (issue 16): the styles say British English, every text colour
meets 4.5:1 on white and headings keep with the next paragraph
(:func:`generator.ooxml.styles.accessible_package`, shared with the blank
forms); every table's first row is a header row repeated on each page; rows
holding one value each do not split across pages, while rows of free text
(evidence, reasons, the equality items) may, as one answer can run to pages.

Run ``commission templates build`` after changing this file, and commit the
``.docx`` files it writes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..ooxml.styles import accessible_package
from ..records.schemas import field_for_pointer, schema_info
from .letter_templates import CHASE_LETTER, chase_letter

__all__ = ["BUILDERS", "TEMPLATE_VERSION", "build_all", "build_template"]

#: The version of the template layouts (the data's schema version is shown in each footer).
TEMPLATE_VERSION = "1.0.0"
#: Fixed so a rebuild gives the same document properties.
_BUILT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

Container = DocumentObject | _Cell


def _title(kind: str, pointer: str) -> str:
    spec = field_for_pointer(kind, pointer)
    if spec is None:
        raise KeyError(f"{kind} has no field {pointer}")
    return spec.title


def _para(container: Container, text: str = "", style: str | None = None) -> Paragraph:
    """A paragraph; a fresh table cell's empty first paragraph is used before adding another."""
    if isinstance(container, _Cell) and len(container.paragraphs) == 1 and not container.paragraphs[0].runs:
        paragraph = container.paragraphs[0]
        if style:
            paragraph.style = style
    else:
        paragraph = container.add_paragraph(style=style)
    if text:
        paragraph.add_run(text)
    return paragraph


def _runs(container: Container, *pieces: str, style: str | None = None, strong: Sequence[int] = ()) -> Paragraph:
    """One paragraph of several runs: plain text and tags, each tag in a run of its own."""
    paragraph = _para(container, style=style)
    for index, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        if index in strong:
            run.style = "Strong"
    return paragraph


def _tag(container: Container, tag: str) -> Paragraph:
    """A paragraph holding one ``{%p ... %}`` tag; docxtpl removes the paragraph itself."""
    return _para(container, tag)


def _text(container: Container, expression: str, style: str | None = None) -> None:
    """Multi-line text as real paragraphs, one per line, in ``style``."""
    _tag(container, f"{{%p for para in {expression}|paragraphs %}}")
    _para(container, "{{ para }}", style)
    _tag(container, "{%p endfor %}")


def _section(doc: DocumentObject, heading: str, expression: str, level: int = 1, style: str | None = None) -> None:
    doc.add_heading(heading, level)
    _text(doc, expression, style)


def _optional_section(doc: DocumentObject, heading: str, expression: str, level: int = 1) -> None:
    """A heading and its text, both left out when the field is empty."""
    _tag(doc, f"{{%p if {expression} %}}")
    _section(doc, heading, expression, level)
    _tag(doc, "{%p endif %}")


def _table(doc: DocumentObject, widths: Sequence[float]) -> Table:
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    return table


def _label_table(doc: DocumentObject, headings: tuple[str, str]) -> Table:
    """A table of labels and values, under a header row like every other table (read out with each cell)."""
    table = _table(doc, _LABEL)
    _header_row(table, _LABEL, headings)
    return table


def _row(table: Table, widths: Sequence[float], *, keep: bool = False) -> list[_Cell]:
    """A new row; ``keep``: it never splits across pages (a row of one value each, not of free text)."""
    row = table.add_row()
    if keep:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = Cm(width)
    return list(row.cells)


def _header_row(table: Table, widths: Sequence[float], headings: Sequence[str]) -> None:
    """Column headings in Strong, repeated at the top of each page and kept with the first row under them."""
    cells = _row(table, widths, keep=True)
    for cell, heading in zip(cells, headings, strict=True):
        _runs(cell, heading, strong=[0]).paragraph_format.keep_with_next = True
    properties = table.rows[-1]._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))


def _tag_row(table: Table, widths: Sequence[float], tag: str) -> None:
    """A row holding one ``{%tr ... %}`` tag; docxtpl removes the row itself."""
    _para(_row(table, widths)[0], tag)


def _repeating_table(
    doc: DocumentObject, widths: Sequence[float], headings: Sequence[str], loop: str, *, free_text: bool = False
) -> tuple[Table, list[_Cell]]:
    """A table whose one body row docxtpl repeats (``{%tr for <loop> %}``); returns the table and that row's cells.

    ``free_text``: the row holds paragraphs of free text, so it may break across pages.
    """
    table = _table(doc, widths)
    _header_row(table, widths, headings)
    _tag_row(table, widths, f"{{%tr for {loop} %}}")
    cells = _row(table, widths, keep=not free_text)
    _tag_row(table, widths, "{%tr endfor %}")
    return table, cells


def _label_row(
    table: Table, widths: Sequence[float], label: str, fill: Callable[[_Cell], object], *, free_text: bool = False
) -> None:
    """A label and its value; kept on one page unless the value is free text."""
    label_cell, value_cell = _row(table, widths, keep=not free_text)
    _runs(label_cell, label, strong=[0])
    fill(value_cell)


def _value(expression: str) -> Callable[[_Cell], object]:
    return lambda cell: _para(cell, f"{{{{ {expression} }}}}")


def _optional_label_row(
    table: Table, widths: Sequence[float], label: str, test: str, fill: Callable[[_Cell], object]
) -> None:
    """A label and value row, left out when the value is empty (no stray label)."""
    _tag_row(table, widths, f"{{%tr if {test} %}}")
    _label_row(table, widths, label, fill)
    _tag_row(table, widths, "{%tr endif %}")


def _footer(doc: DocumentObject) -> None:
    """Document title, data version, date of issue and page number, in the Footer style."""
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.style = "Footer"
    for piece in (
        "{{ document.title }}",
        " · Version ",
        "{{ document.version }}",
        " · Issued ",
        "{{ document.issued|long_date }}",
        " · Page ",
    ):
        paragraph.add_run(piece)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header(doc: DocumentObject, text: str) -> None:
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.style = "Header"
    paragraph.add_run(text)


def _new_document(kind: str, title: str, subject: str) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, as councils print
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    properties = doc.core_properties
    properties.title = title
    properties.subject = subject
    properties.identifier = schema_info(kind).id
    properties.category = "commission template"
    properties.version = TEMPLATE_VERSION
    properties.author = "Commissioning toolkit"
    properties.last_modified_by = "Commissioning toolkit"
    properties.comments = f"Template for {kind} documents; rebuild with: commission templates build"
    properties.keywords = f"commission, {kind}"
    properties.revision = 1
    properties.created = _BUILT
    properties.modified = _BUILT
    _header(doc, title)
    _footer(doc)
    doc.add_heading(title, 0)  # the visible title is the document's title property, written once
    return doc


# Column widths in centimetres; A4 portrait with 2 cm margins leaves 17 cm.
_LABEL = (5.0, 12.0)


def service_specification() -> DocumentObject:
    """The standardised service specification: the Wolverhampton Appendix 1 sections, in order."""
    kind = "service-specification"
    doc = _new_document(kind, "Service specification", "Standardised service specification")
    doc.add_heading(_title(kind, "/service_name"), 1)
    _para(doc, "{{ service_name }}", "Subtitle")

    people = _label_table(doc, ("Commissioner", "Details"))
    _label_row(people, _LABEL, _title(kind, "/commissioner/organisation"), _value("commissioner.organisation"))
    _label_row(people, _LABEL, "Lead officer", _value("commissioner.lead_officer.name"))
    _optional_label_row(
        people,
        _LABEL,
        _title(kind, "/commissioner/lead_officer/role"),
        "commissioner.lead_officer.role",
        _value("commissioner.lead_officer.role"),
    )
    _label_row(people, _LABEL, "Email", _value("commissioner.lead_officer.email"))
    _optional_label_row(
        people,
        _LABEL,
        "Phone",
        "commissioner.lead_officer.phone",
        _value("commissioner.lead_officer.phone"),
    )

    def groups(cell: _Cell) -> None:
        _tag(cell, "{%p for group in client_groups %}")
        _para(cell, "{{ group }}", "List Bullet")
        _tag(cell, "{%p endfor %}")

    _optional_label_row(people, _LABEL, _title(kind, "/client_groups"), "client_groups", groups)

    doc.add_heading("Statement of purpose", 1)
    _section(doc, _title(kind, "/overview"), "overview", 2)
    _section(doc, _title(kind, "/objectives"), "objectives", 2, "List Bullet")
    _section(doc, _title(kind, "/description"), "description")
    _section(doc, _title(kind, "/activities"), "activities", style="List Bullet")

    doc.add_heading(_title(kind, "/outcomes"), 1)
    widths = (10.0, 7.0)
    headings = [_title(kind, "/outcomes/*/description"), _title(kind, "/outcomes/*/indicator")]
    _, (outcome, indicator) = _repeating_table(doc, widths, headings, "outcome in outcomes", free_text=True)
    _text(outcome, "outcome.description")
    _para(indicator, "{{ outcome.indicator or '' }}")

    _section(doc, _title(kind, "/location"), "location")

    doc.add_heading(_title(kind, "/cost"), 1)
    cost = _label_table(doc, ("Cost", "Amount"))
    _label_row(cost, _LABEL, _title(kind, "/cost/annual_amount"), _value("cost.annual_amount|money"))
    _optional_label_row(
        cost,
        _LABEL,
        _title(kind, "/cost/full_cost_recovery"),
        "cost.full_cost_recovery is not none",
        _value("cost.full_cost_recovery|yes_no"),
    )
    _tag(doc, "{%p if cost.notes %}")
    _text(doc, "cost.notes")
    _tag(doc, "{%p endif %}")

    doc.add_heading(_title(kind, "/performance_measures"), 1)
    widths = (8.0, 5.5, 3.5)
    headings = [_title(kind, f"/performance_measures/*/{name}") for name in ("measure", "target", "frequency")]
    _, cells = _repeating_table(doc, widths, headings, "measure in performance_measures")
    _para(cells[0], "{{ measure.measure }}")
    _para(cells[1], "{{ measure.target }}")
    _para(cells[2], "{{ measure.frequency or '' }}")

    _section(doc, _title(kind, "/performance_monitoring"), "performance_monitoring")

    doc.add_heading("Outline terms and conditions and length of contract", 1)
    _text(doc, "terms.outline")
    terms = _label_table(doc, ("Term", "Details"))
    _label_row(terms, _LABEL, "Length of contract", _value("terms.length_months|months"))
    _optional_label_row(
        terms, _LABEL, _title(kind, "/terms/start_date"), "terms.start_date", _value("terms.start_date|long_date")
    )
    _optional_label_row(
        terms,
        _LABEL,
        _title(kind, "/terms/procurement_route"),
        "terms.procurement_route",
        _value("terms.procurement_route"),
    )

    _tag(doc, "{%p if sustainability or innovation or partnership_working %}")
    doc.add_heading("What the service should encourage", 1)
    _tag(doc, "{%p endif %}")
    for name in ("sustainability", "innovation", "partnership_working"):
        _optional_section(doc, _title(kind, f"/{name}"), name, 2)

    doc.add_heading(_title(kind, "/equality_and_diversity"), 1)
    _para(doc, "What the provider must do on each equality and diversity item.").paragraph_format.keep_with_next = True
    widths = (5.0, 12.0)
    equality = _table(doc, widths)
    _header_row(equality, widths, ["Item", "What the provider must do"])
    for name in (
        "equality_monitoring",
        "equality_impact_assessment",
        "workforce_representation",
        "accessible_services",
        "equality_policy",
        "staff_training",
        "consultation_and_involvement",
        "complaints",
    ):
        pointer = f"/equality_and_diversity/{name}"
        _label_row(
            equality,
            widths,
            _title(kind, pointer),
            lambda cell, n=name: _text(cell, f"equality_and_diversity.{n}"),
            free_text=True,
        )
    return doc


def evaluation_report() -> DocumentObject:
    """One bid's evaluation: each Kent criterion with its answer and evidence, counts, score, recommendation."""
    kind = "evaluation-report"
    doc = _new_document(kind, "Evaluation report", "Evaluation of a growth bid")
    _para(doc, "{{ bid.proposal_title or bid.reference }}", "Subtitle")

    about = _label_table(doc, ("Bid and evaluation", "Details"))
    _label_row(about, _LABEL, _title(kind, "/bid/reference"), _value("bid.reference"))
    _label_row(about, _LABEL, _title(kind, "/bid/organisation"), _value("bid.organisation"))
    _optional_label_row(
        about, _LABEL, _title(kind, "/bid/proposal_title"), "bid.proposal_title", _value("bid.proposal_title")
    )
    _label_row(about, _LABEL, _title(kind, "/evaluator"), _value("evaluator.name"))
    _optional_label_row(about, _LABEL, _title(kind, "/evaluator/role"), "evaluator.role", _value("evaluator.role"))
    _label_row(about, _LABEL, _title(kind, "/evaluation_date"), _value("evaluation_date|long_date"))

    doc.add_heading(_title(kind, "/kent_criteria"), 1)
    widths = (5.5, 2.5, 9.0)
    _, (title, answer, evidence) = _repeating_table(
        doc, widths, ["Criterion", "Answer", "Evidence"], "criterion in criteria", free_text=True
    )
    _runs(title, "(", "{{ criterion.id }}", ") ", "{{ criterion.title }}", strong=[0, 1, 2, 3])
    _para(title, "{{ criterion.question }}")
    _para(answer, "{{ criterion.answer|capitalize }}")
    _text(evidence, "criterion.evidence")

    doc.add_heading("Counts", 1)
    counts = _label_table(doc, ("Answer", "Criteria"))
    _label_row(counts, _LABEL, "Met", _value("counts.met"))
    _label_row(counts, _LABEL, "Partly met", _value("counts.partly_met"))
    _label_row(counts, _LABEL, "Not met", _value("counts.not_met"))
    _label_row(
        counts,
        _LABEL,
        _title(kind, "/criteria_met"),
        lambda cell: _runs(cell, "{{ criteria_met }}", " of ", "{{ counts.total }}"),
    )

    _tag(doc, "{%p if weighted %}")
    doc.add_heading(_title(kind, "/weighted_scores"), 1)
    _runs(
        doc,
        "Each criterion's score out of ",
        "{{ weighted.scale_max }}",
        " is multiplied by its weight; the weighted score is out of 100.",
    ).paragraph_format.keep_with_next = True
    widths = (6.0, 1.8, 1.8, 2.0, 5.4)
    headings = ["Criterion", "Weight", "Score", "Points", "Justification"]
    scores, cells = _repeating_table(doc, widths, headings, "row in weighted.rows", free_text=True)
    _runs(cells[0], "{{ row.criterion }}", ". ", "{{ row.title }}")
    _runs(cells[1], "{{ row.weight|percent }}")
    _runs(cells[2], "{{ row.score|number }}", " of ", "{{ row.scale_max|number }}")
    _runs(cells[3], "{{ row.points|number(2) }}")
    _text(cells[4], "row.justification")
    total = _row(scores, widths, keep=True)
    _runs(total[0], "Weighted score", strong=[0])
    _runs(total[3], "{{ weighted.total|number(2) }}", strong=[0])
    _runs(total[4], "out of 100")
    _tag(doc, "{%p endif %}")

    doc.add_heading(_title(kind, "/recommendation"), 1)
    _runs(doc, "{{ recommendation }}", strong=[0])
    _tag(doc, "{%p if recommendation_reason %}")
    _text(doc, "recommendation_reason")
    _tag(doc, "{%p endif %}")
    return doc


def round_summary() -> DocumentObject:
    """A funding round: money available, bids ranked, funded, reserve, not funded, totals."""
    kind = "round-summary"
    doc = _new_document(kind, "Round summary", "Summary of a growth-bid funding round")
    _para(doc, "{{ round.name }}", "Subtitle")

    doc.add_heading("Money available", 1)
    money = _label_table(doc, ("Money", "Amount"))
    _label_row(money, _LABEL, _title(kind, "/round/money_available"), _value("round.money_available|money"))
    _label_row(
        money,
        _LABEL,
        _title(kind, "/round/hold_back_amount"),
        lambda cell: _runs(
            cell,
            "{{ round.hold_back_amount|money }}",
            "{% if round.hold_back_percent is not none %} ({{ round.hold_back_percent|percent }}){% endif %}",
        ),
    )
    _label_row(money, _LABEL, _title(kind, "/round/money_to_allocate"), _value("round.money_to_allocate|money"))
    _optional_label_row(
        money,
        _LABEL,
        _title(kind, "/round/decision_date"),
        "round.decision_date",
        _value("round.decision_date|long_date"),
    )

    doc.add_heading(_title(kind, "/bids"), 1)
    widths = (1.5, 6.1, 2.7, 1.9, 2.2, 2.6)
    headings = ["Rank", "Bid", "Annual amount", "Criteria met", "Weighted score", "Decision"]
    _, cells = _repeating_table(doc, widths, headings, "bid in bids")
    _para(cells[0], "{{ bid.rank }}")
    _runs(cells[1], "{{ bid.reference }}", strong=[0])
    _para(cells[1], "{{ bid.organisation }}")
    _para(cells[1], "{{ bid.proposal_title }}")
    _para(cells[2], "{{ bid.annual_amount|money }}")
    _runs(cells[3], "{{ bid.criteria_met }}", " of 7")
    _para(cells[4], "{{ bid.weighted_score|number if bid.weighted_score is not none else '–' }}")
    _para(cells[5], "{{ bid.decision|capitalize }}")

    def decided(heading: str, group: str, *, empty: str | None = None, level: int = 1, intro: str = "") -> None:
        """The bids given one decision; with no ``empty`` text the section goes when there are none."""
        if empty is None:
            _tag(doc, f"{{%p if {group} %}}")
        doc.add_heading(heading, level)
        if intro:
            _para(doc, intro).paragraph_format.keep_with_next = True
        if empty is not None:
            _tag(doc, f"{{%p if {group} %}}")
        widths = (2.8, 4.5, 2.7, 7.0)
        headings = ["Reference", "Organisation", "Annual amount", "Reason"]
        _, cells = _repeating_table(doc, widths, headings, f"bid in {group}", free_text=True)
        _para(cells[0], "{{ bid.reference }}")
        _para(cells[1], "{{ bid.organisation }}")
        _para(cells[2], "{{ bid.annual_amount|money }}")
        _text(cells[3], "bid.reason")
        if empty is not None:
            _tag(doc, "{%p else %}")
            _para(doc, empty)
        _tag(doc, "{%p endif %}")

    decided("Funded", "funded", empty="No bid is funded in this round.")
    _runs(doc, "Total funded: ", "{{ totals.funded_amount|money }}", " a year.")
    decided("Reserve", "reserve", empty="No bid is held in reserve.")
    decided("Not funded", "not_funded", empty="Every fundable bid is funded or held in reserve.")
    decided(
        "Not fundable",
        "not_fundable",
        level=2,
        intro="These bids cannot be funded as they stand, whatever money is left.",
    )

    _tag(doc, "{%p if unevaluated %}")
    doc.add_heading(_title(kind, "/unevaluated"), 1)
    widths = (4.5, 4.5, 8.0)
    _, cells = _repeating_table(
        doc, widths, ["Reference", "Organisation", "Reason"], "bid in unevaluated", free_text=True
    )
    _para(cells[0], "{{ bid.reference }}")
    _para(cells[1], "{{ bid.organisation }}")
    _text(cells[2], "bid.reason")
    _tag(doc, "{%p endif %}")

    doc.add_heading(_title(kind, "/totals"), 1)
    totals = _label_table(doc, ("Total", "Value"))
    for name, expression in (
        ("bids", "totals.bids"),
        ("funded_count", "totals.funded_count"),
        ("funded_amount", "totals.funded_amount|money"),
        ("reserve_amount", "totals.reserve_amount|money"),
        ("unallocated", "totals.unallocated|money"),
    ):
        _label_row(totals, _LABEL, _title(kind, f"/totals/{name}"), _value(expression))
    return doc


def outcome_letter() -> DocumentObject:
    """A letter to one bidder: the round's decision on its bid and the reason, with whom to ask."""
    kind = "outcome-letter"
    doc = _new_document(kind, "Outcome of your bid", "Letter telling a bidder the outcome of a funding round")
    _runs(doc, "{{ partnership.name }}", strong=[0])
    _tag(doc, "{%p if partnership.contact_address %}")
    _text(doc, "partnership.contact_address")
    _tag(doc, "{%p endif %}")
    _para(doc, "{{ letter_date|long_date }}")
    _runs(doc, "To: ", "{{ bid.organisation }}")

    doc.add_heading(_title(kind, "/bid"), 1)
    about = _label_table(doc, ("Bid", "Details"))
    _label_row(about, _LABEL, _title(kind, "/bid/reference"), _value("bid.reference"))
    _label_row(about, _LABEL, _title(kind, "/bid/proposal_title"), _value("bid.proposal_title"))
    _label_row(about, _LABEL, _title(kind, "/bid/annual_amount"), _value("bid.annual_amount|money"))
    _label_row(about, _LABEL, _title(kind, "/round/name"), _value("round.name"))

    doc.add_heading("The decision", 1)
    for test, words in (
        (
            "if outcome == 'funded'",
            ("We are pleased to tell you that your bid is funded. We offer ", "{{ amount_offered|money }}", " a year."),
        ),
        (
            "elif outcome == 'reserve'",
            (
                "Your bid is not funded for now, but it is held in reserve: if a funded bid "
                "does not go ahead, yours is the next to be offered the money.",
            ),
        ),
        ("elif outcome == 'not funded'", ("We are sorry to tell you that your bid is not funded in this round.",)),
        ("elif outcome == 'not fundable'", ("We are sorry to tell you that your bid cannot be funded as it stands.",)),
        ("else", ("Your bid was not ranked in this round, so it is not funded.",)),
    ):
        _tag(doc, f"{{%p {test} %}}")
        _runs(doc, *words)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if rank and round.bids_ranked %}")
    _runs(doc, "Your bid is ranked ", "{{ rank }}", " of ", "{{ round.bids_ranked }}", " bids.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if criteria_met is not none and criteria_total %}")
    _runs(doc, "It meets ", "{{ criteria_met }}", " of the ", "{{ criteria_total }}", " criteria in full.")
    _tag(doc, "{%p endif %}")
    _section(doc, "Why", "reason", 2)
    _tag(doc, "{%p if round.decision_date %}")
    _runs(doc, "The decision was made on ", "{{ round.decision_date|long_date }}", ".")
    _tag(doc, "{%p endif %}")

    doc.add_heading("Questions", 1)
    _runs(
        doc,
        "If you have any questions about this decision, please contact ",
        "{{ partnership.contact_name or partnership.name }}",
        "{% if partnership.contact_email %} at {{ partnership.contact_email }}{% endif %}",
        "{% if partnership.contact_phone %} or on {{ partnership.contact_phone }}{% endif %}",
        ".",
    )
    _para(doc, "Yours faithfully,")
    _para(doc, "{{ partnership.contact_name or partnership.name }}")
    _para(doc, "{{ partnership.name }}")
    return doc


#: Each shipped template: its file name (without ``.docx``) and how to build it.
BUILDERS: dict[str, Callable[[], DocumentObject]] = {
    "service-specification": service_specification,
    "evaluation-report": evaluation_report,
    "round-summary": round_summary,
    CHASE_LETTER: lambda: chase_letter(_new_document(CHASE_LETTER, "About your return", "What a return still needs")),
    "outcome-letter": outcome_letter,
}


def build_template(name: str, folder: Path) -> Path:
    """Write one shipped template into ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.docx"
    built = io.BytesIO()
    BUILDERS[name]().save(built)
    path.write_bytes(accessible_package(built.getvalue()))
    return path


def build_all(folder: Path) -> list[Path]:
    """Write every shipped template into ``folder``."""
    return [build_template(name, folder) for name in BUILDERS]
