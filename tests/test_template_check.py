"""``commission templates check``: names not in the schema, tags Word has split, and the shipped templates."""

from __future__ import annotations

import pytest

from generator.cli import main
from generator.documents.template_check import check_shipped, check_template
from generator.records.errors import CommissionError
from tests.template_factory import make_template


def _messages(report):
    return [str(problem) for problem in report.problems]


def test_every_shipped_template_uses_only_schema_fields_and_has_no_split_tags():
    reports = check_shipped()
    assert [report.template for report in reports] == [
        "chase-letter",
        "evaluation-report",
        "outcome-letter",
        "round-summary",
        "service-specification",
    ]
    for report in reports:
        assert report.problems == (), report.template
        assert report.kind == report.template
        assert "document.title" in report.names


def test_the_command_checks_the_shipped_templates(capsys):
    assert main(["templates", "check"]) == 0
    out = capsys.readouterr().out
    assert "service-specification: OK" in out and "all in the service-specification schema" in out


def test_a_misspelt_field_is_named_with_the_nearest_real_one(tmp_path):
    path = make_template(tmp_path / "t.docx", [["Cost: ", "{{ cost.annual_amont|money }}"]])
    (message,) = _messages(check_template(path))
    assert "body, paragraph 1" in message
    assert "'cost.annual_amont' is not a field of the service-specification schema" in message
    assert "did you mean 'cost.annual_amount'?" in message


def test_a_misspelt_field_inside_a_table_loop_is_found_through_the_loop_variable(tmp_path):
    path = make_template(
        tmp_path / "t.docx",
        [["{%p for m in performance_measures %}"], ["{{ m.measur }}: ", "{{ m.target }}"], ["{%p endfor %}"]],
    )
    (message,) = _messages(check_template(path))
    assert "'performance_measures[].measur' is not a field" in message
    assert "did you mean 'performance_measures[].measure'?" in message


def test_derived_values_and_aliases_are_known(tmp_path):
    path = make_template(
        tmp_path / "t.docx",
        [["{%p for bid in reserve %}"], ["{{ bid.reference }} ", "{{ bid.annual_amount|money }}"], ["{%p endfor %}"]],
        identifier="urn:commission:schema:round-summary:1.0.0",
    )
    report = check_template(path)
    assert report.problems == ()
    assert report.names == ("reserve", "reserve[].annual_amount", "reserve[].reference")


def test_a_tag_split_across_runs_is_reported_with_its_pieces(tmp_path):
    path = make_template(tmp_path / "t.docx", [["Cost: ", "{{ cost.annual_", "amount|money }}"]])
    (message,) = _messages(check_template(path))
    assert "split across 2 runs of text ('{{ cost.annual_' + 'amount|money }}')" in message
    assert "type it again in one go" in message


def test_a_tag_split_by_spell_check_marks_is_reported(tmp_path):
    path = make_template(tmp_path / "t.docx", [["{", "{ service_name }}"]], spell_marks=True)
    (message,) = _messages(check_template(path))
    assert "'{{ service_name }}' is split across 2 runs" in message


def test_a_tag_in_a_tracked_change_is_reported(tmp_path):
    path = make_template(tmp_path / "t.docx", [["Name: ", "{{ service_name }}"]], tracked=True)
    (message,) = _messages(check_template(path))
    assert "inside a tracked change; accept or reject the change first" in message


def test_a_tag_that_does_not_close_in_its_paragraph_is_reported(tmp_path):
    path = make_template(tmp_path / "t.docx", [["{{ service_name "], ["}}"]])
    messages = _messages(check_template(path))
    assert any("opens with '{{' but does not close in this paragraph" in m for m in messages)


def test_an_unknown_filter_and_a_broken_tag_are_reported_not_raised(tmp_path):
    path = make_template(tmp_path / "t.docx", [["{{ cost.annual_amount|pounds }}"]])
    assert "No filter named 'pounds'" in _messages(check_template(path))[0]
    path = make_template(tmp_path / "u.docx", [["{%p if service_name %}"], ["Name"]])
    assert "this tag cannot be read" in _messages(check_template(path))[0]


def test_tags_in_document_properties_are_reported(tmp_path):
    path = make_template(tmp_path / "t.docx", [["{{ service_name }}"]], title="{{ service_name }}")
    (message,) = _messages(check_template(path))
    assert message.startswith("document properties, title: tags here are not filled in")


def test_a_template_that_does_not_say_its_kind_needs_one(tmp_path, capsys):
    path = make_template(tmp_path / "mine.docx", [["{{ proposal_title }}"]], identifier=None)
    with pytest.raises(CommissionError, match="add --kind"):
        check_template(path)
    assert check_template(path, kind="growth-bid").problems == ()
    assert main(["templates", "check", str(path), "--kind", "growth-bid"]) == 0


def test_the_command_fails_on_a_broken_template(tmp_path, capsys):
    path = make_template(tmp_path / "t.docx", [["{{ cost.annual_", "amount }}"], ["{{ servce_name }}"]])
    assert main(["templates", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: 2 problems found" in out
    assert "'servce_name' is not a field" in out
