"""What a bidder reads: plain English, the field's label, every problem at once."""

from __future__ import annotations

import copy

from generator.records.loading import load_data_file
from generator.records.validation import validate_record
from tests.conftest import EXAMPLES, TODAY

BID = load_data_file(EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml")


def test_money_typed_as_text_gets_the_pounds_example():
    record = copy.deepcopy(BID)
    record["annual_amount"] = "£12,500"
    [issue] = validate_record(record, "growth-bid", today=TODAY)
    assert f"{issue.field}: {issue.message}" == "Annual amount: enter an amount in pounds, such as 12500.00"
    assert issue.value == "£12,500"


def test_all_errors_are_reported_at_once():
    record = copy.deepcopy(BID)
    del record["applicant"]["organisation"]
    record["applicant"]["email"] = "not-an-email"
    record["start_date"] = "next spring"
    record["support_hours"]["per_year"] = 9
    paths = [i.path for i in validate_record(record, "growth-bid", today=TODAY)]
    assert paths == ["/applicant/email", "/applicant/organisation", "/start_date", "/support_hours/per_year"]


def test_format_checker_catches_impossible_dates_and_bad_emails():
    record = copy.deepcopy(BID)
    record["start_date"] = "2027-02-30"
    record["applicant"]["email"] = "a@b"
    issues = validate_record(record, "growth-bid", today=TODAY)
    assert {i.path for i in issues} == {"/start_date", "/applicant/email"}


def test_rows_of_a_repeating_group_are_numbered_for_people():
    record = copy.deepcopy(BID)
    record["outcomes"][2]["description"] = ""
    [issue] = validate_record(record, "growth-bid", today=TODAY)
    assert issue.field == "Supporting People outcomes, row 3: Outcome"
    assert issue.message == "this must be filled in"


def test_a_document_that_is_not_an_object_is_reported_not_raised():
    issues = validate_record(["a", "list"], "growth-bid", today=TODAY)
    assert [i.path for i in issues] == [""]


def test_too_long_text_says_the_limit_and_the_length():
    record = copy.deepcopy(BID)
    record["proposal_title"] = "x" * 250
    [issue] = validate_record(record, "growth-bid", today=TODAY)
    assert issue.message == "keep this to 200 characters or fewer (it has 250)"


def test_errors_are_listed_in_row_order_not_text_order():
    record = copy.deepcopy(BID)
    record["outcomes"] = [{"description": "ok"} for _ in range(12)]
    record["outcomes"][1]["description"] = ""
    record["outcomes"][10]["description"] = ""
    paths = [i.path for i in validate_record(record, "growth-bid", today=TODAY)]
    assert paths == ["/outcomes/1/description", "/outcomes/10/description"]
