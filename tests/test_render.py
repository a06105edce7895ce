"""Rendering: validated data in, a finished Word document out, bidder text kept as text."""

from __future__ import annotations

import copy
import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.cli import main
from generator.documents.display import paragraphs
from generator.documents.render import render_record, resolve_template
from generator.documents.render_context import build_context
from generator.documents.template_engine import compile_template, environment, sanitise
from generator.records.errors import TemplateFaultError, UnreadableFileError
from generator.records.loading import load_data_file
from generator.records.schemas import schema_info
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES, TODAY
from tests.template_factory import make_template

SPEC = EXAMPLES / "service-specification" / "floating-support-young-people.yaml"
REPORT = EXAMPLES / "evaluation-report" / "dartford-young-people-leaving-care.yaml"
ROUND = EXAMPLES / "round-summary" / "kent-growth-round-2026.yaml"
EXAMPLE = {"service-specification": SPEC, "evaluation-report": REPORT, "round-summary": ROUND}


def _paragraphs(document: bytes, part: str = "word/document.xml") -> list[Paragraph]:
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        root = parse_xml(archive.read(part))  # python-docx's element classes, so .text works
    return [Paragraph(p, None) for p in root.iter(qn("w:p"))]


def _texts(document: bytes, part: str = "word/document.xml") -> list[str]:
    return [p.text for p in _paragraphs(document, part)]


def _render(kind: str, record) -> bytes:
    outcome = render_record(kind, record, today=TODAY)
    assert outcome.issues == []
    assert outcome.document is not None
    docx.Document(io.BytesIO(outcome.document))  # it opens
    return outcome.document


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_each_example_renders_to_a_document_that_opens(kind):
    document = _render(kind, load_data_file(EXAMPLE[kind]))
    footer = " ".join(_texts(document, "word/footer1.xml"))
    # The form's version the record was checked as (the current one), not the template's own version.
    assert f"Version {schema_info(kind).version} " in footer and "Issued 1 August 2026" in footer


def test_service_specification_shows_money_dates_lists_and_tables():
    record = load_data_file(SPEC)
    texts = _texts(_render("service-specification", record))
    assert record["service_name"] in texts
    assert "£68,500.00" in texts
    assert "1 April 2027" in texts
    assert "36 months" in texts
    assert "Yes" in texts  # full cost recovery
    for measure in record["performance_measures"]:
        assert measure["measure"] in texts and measure["target"] in texts
    for text in record["equality_and_diversity"].values():
        assert text in texts


def test_multi_line_text_becomes_separate_paragraphs_in_the_template_style():
    record = load_data_file(SPEC)
    document = _render("service-specification", record)
    found = {p.text: p for p in _paragraphs(document)}
    for line in paragraphs(record["overview"]):
        assert line in found  # a paragraph of its own, not a line of a bigger one
    objectives = paragraphs(record["objectives"])
    assert len(objectives) == 3
    styles = {found[line]._p.style for line in objectives}
    assert len(styles) == 1
    (style_id,) = styles
    assert docx.Document(io.BytesIO(document)).styles.get_by_id(style_id, 1).name == "List Bullet"


def test_empty_optional_fields_leave_no_stray_labels():
    full = _texts(_render("service-specification", load_data_file(SPEC)))
    record = load_data_file(SPEC)
    for name in ("innovation", "sustainability", "partnership_working", "client_groups"):
        del record[name]
    del record["cost"]["notes"], record["cost"]["full_cost_recovery"]
    del record["terms"]["start_date"], record["terms"]["procurement_route"]
    del record["commissioner"]["lead_officer"]["role"], record["commissioner"]["lead_officer"]["phone"]
    texts = _texts(_render("service-specification", record))
    for label in (
        "Innovation",
        "Sustainability",
        "Partnership working",
        "What the service should encourage",
        "Client groups served",
        "Full cost recovery applies",
        "Contract start date",
        "Procurement route",
        "Job title",
        "Phone",
    ):
        assert label in full
        assert label not in texts
    assert not any("None" in text for text in texts)


def test_evaluation_report_shows_criteria_counts_weighted_score_and_recommendation():
    record = load_data_file(REPORT)
    texts = _texts(_render("evaluation-report", record))
    joined = "\n".join(texts)
    for answer in record["kent_criteria"].values():
        assert answer["evidence"] in texts
    assert "(a) Meets an unmet need" in texts
    assert "Partly met" in texts
    assert "6 of 7" in texts
    assert "50.00" in texts  # 3/4 x 50 + 4/4 x 10 + 4/4 x 2.5
    assert record["recommendation"] in texts and record["recommendation_reason"] in texts
    assert "10 September 2026" in joined

    del record["weighted_scores"], record["recommendation_reason"]
    texts = _texts(_render("evaluation-report", record))
    assert "Weighted scores" not in texts and "Weighted score" not in texts


def test_round_summary_shows_money_ranking_funded_reserve_and_totals():
    record = load_data_file(ROUND)
    texts = _texts(_render("round-summary", record))
    for amount in ("£150,000.00", "£15,000.00 (10%)", "£135,000.00", "£109,750.50", "£38,000.00", "£25,249.50"):
        assert amount in texts
    assert "24 September 2026" in texts
    assert texts.index("Funded") < texts.index("Reserve") < texts.index("Not funded") < texts.index("Not fundable")
    assert "No bid is held in reserve." not in texts

    record["bids"] = [bid for bid in record["bids"] if bid["decision"] != "reserve"]
    del record["unevaluated"]
    texts = _texts(_render("round-summary", record))
    assert "No bid is held in reserve." in texts
    assert "Bids not evaluated" not in texts


def test_invalid_data_is_refused_with_the_validate_report_and_nothing_is_written(tmp_path, capsys):
    bad = EXAMPLES / "service-specification" / "invalid" / "negative-cost.yaml"
    out = tmp_path / "spec.docx"
    assert main(["validate", str(bad), "--kind", "service-specification"]) == 1
    report = capsys.readouterr().out
    assert main(["render", "service-specification", str(bad), "--out", str(out)]) == 1
    assert capsys.readouterr().out == report
    assert not out.exists()
    outcome = render_record("service-specification", load_data_file(bad), today=TODAY)
    assert outcome.issues == validate_record(load_data_file(bad), "service-specification", today=TODAY)


def test_the_command_writes_the_document(tmp_path, capsys):
    out = tmp_path / "deep" / "summary.docx"
    assert main(["render", "round-summary", str(ROUND), "--out", str(out), "--today", "2026-08-01"]) == 0
    assert f"{out}: round-summary made from" in capsys.readouterr().out
    assert "Supporting People in Kent growth bids 2026/27" in _texts(out.read_bytes())


def test_unknown_template_missing_data_and_a_non_word_template_exit_2_3_3(tmp_path, capsys):
    assert main(["render", "evaluation-reprt", str(REPORT), "--out", str(tmp_path / "x.docx")]) == 2
    assert "Did you mean 'evaluation-report'?" in capsys.readouterr().err
    assert main(["render", "evaluation-report", str(tmp_path / "absent.yaml"), "--out", str(tmp_path / "x.docx")]) == 3
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip")
    assert main(["render", str(fake), str(REPORT), "--out", str(tmp_path / "x.docx")]) == 3
    assert "is not a Word document (.docx)" in capsys.readouterr().err


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{%p if true %}",
    "<w:p><w:r><w:t>injected</w:t></w:r></w:p>",
    "Fish & chips",
    "end of CDATA ]]> here",
    "quotes \" and ' and </w:t>",
    "{_{ docxtpl escape }_}",
    "{{ ''.__class__.__mro__ }}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_bidder_text_comes_out_literally(text):
    record = load_data_file(REPORT)
    record["recommendation_reason"] = text
    record["kent_criteria"]["a"]["evidence"] = text
    record["bid"]["organisation"] = f"{text} Ltd"
    document = _render("evaluation-report", record)
    texts = _texts(document)
    assert texts.count(text) == 2
    assert f"{text} Ltd" in texts
    assert "49" not in " ".join(texts)
    assert "injected" not in texts


def test_characters_xml_forbids_are_removed_and_the_rest_kept():
    record = load_data_file(REPORT)
    record["recommendation_reason"] = "Bell\x07 back\x08space\x00 null\x0c feed\x1b escape\x85 next, tab\there"
    texts = _texts(_render("evaluation-report", record))
    assert "Bell backspace null feed escape next, tab\there" in texts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=200))
def test_any_text_comes_out_as_its_paragraphs(text):
    record = load_data_file(REPORT)
    record["recommendation_reason"] = text
    texts = _texts(_render("evaluation-report", record))
    expected = paragraphs(sanitise(text))
    start = texts.index(record["recommendation"]) + 1
    assert texts[start : start + len(expected)] == expected


def test_a_template_cannot_reach_outside_the_sandbox(tmp_path):
    path = make_template(tmp_path / "evil.docx", [["{{ service_name.__class__.__mro__[1].__subclasses__() }}"]])
    with pytest.raises(TemplateFaultError, match="sandbox does not allow"):
        render_record(path, load_data_file(SPEC), today=TODAY)


def test_a_name_missing_from_the_data_names_the_template_and_the_paragraph(tmp_path, capsys):
    path = make_template(tmp_path / "typo.docx", [["Intro"], ["Cost: ", "{{ cost.annual_amont|money }}"]])
    with pytest.raises(TemplateFaultError) as caught:
        render_record(path, load_data_file(SPEC), today=TODAY)
    message = str(caught.value)
    assert message.startswith(f"{path}: body")
    assert "Cost: {{ cost.annual_amont|money }}" in message
    assert "annual_amont" in message and "templates check" in message
    assert main(["render", str(path), str(SPEC), "--out", str(tmp_path / "x.docx")]) == 3


def test_a_tag_jinja_cannot_read_names_the_paragraph(tmp_path):
    path = make_template(tmp_path / "broken.docx", [["{{ service_name }"], ["{{ ok }}"]])
    with pytest.raises(TemplateFaultError, match=r"this tag cannot be read"):
        render_record(path, load_data_file(SPEC), today=TODAY)


def test_a_template_without_its_kind_needs_one_and_any_kind_can_be_rendered(tmp_path):
    path = make_template(tmp_path / "letter.docx", [["Dear ", "{{ applicant.contact_names }}"]], identifier=None)
    bid = load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")
    with pytest.raises(Exception, match="add --kind"):
        render_record(path, bid, today=TODAY)
    outcome = render_record(path, bid, kind="growth-bid", today=TODAY)
    assert "Dear Priya Raman, Tom Ellery" in _texts(outcome.document)


@pytest.mark.parametrize("kind", sorted(EXAMPLE))
def test_compiled_rendering_matches_the_plain_docxtpl_render(kind, tmp_path):
    record = load_data_file(EXAMPLE[kind])
    ours = _render(kind, record)
    plain = DocxTemplate(str(resolve_template(kind)))
    plain.render(sanitise(build_context(record, kind, issued=TODAY)), environment())
    plain.save(str(tmp_path / "plain.docx"))
    theirs = (tmp_path / "plain.docx").read_bytes()
    for part in ("word/document.xml", "word/footer1.xml", "word/header1.xml"):
        with zipfile.ZipFile(io.BytesIO(ours)) as a, zipfile.ZipFile(io.BytesIO(theirs)) as b:
            mine, docxtpl = etree.fromstring(a.read(part)), etree.fromstring(b.read(part))
        assert etree.tostring(mine, method="c14n") == etree.tostring(docxtpl, method="c14n"), part


def test_the_same_data_gives_the_same_bytes_and_the_template_compiles_once(tmp_path):
    record = load_data_file(REPORT)
    assert _render("evaluation-report", record) == _render("evaluation-report", copy.deepcopy(record))
    path = make_template(tmp_path / "t.docx", [["{{ service_name }}"]])
    first = compile_template(path)
    assert compile_template(path) is first
    make_template(path, [["Name: ", "{{ service_name }}"]])
    assert compile_template(path) is not first


def test_a_missing_template_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFileError, match="no such template file"):
        resolve_template(str(tmp_path / "gone.docx"))


def test_a_field_named_like_a_dict_method_is_the_field():
    assert (
        environment().from_string("{{ x.items }} {{ x.keys|money }}").render(x={"items": "mine", "keys": 5})
        == "mine £5.00"
    )
