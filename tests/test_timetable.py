"""The Kent timetable as data, laid out as dates (worked by hand below)."""

from __future__ import annotations

import datetime as dt
import json

from generator.cli import main
from generator.rounds.timetable import Step, Timetable, schedule, timetable

D = dt.date


def test_the_kent_timetable_has_the_eight_steps_and_durations_of_the_source():
    table = timetable("kent")
    assert [s.number for s in table.steps] == list(range(1, 9))
    assert [s.duration_text for s in table.steps] == [
        "2 weeks", "1 week", "4 weeks", "2 weeks", "1 week", "10 days", "3 weeks", "",
    ]  # fmt: skip
    assert [s.duration.days if s.duration else None for s in table.steps] == [14, 7, 28, 14, 7, 10, 21, None]
    # June = 0: June-July, by July, by August, by September, September, by September, by October, November
    assert [(s.opens, s.due) for s in table.steps] == [
        (0, 1), (None, 1), (None, 2), (None, 3), (3, 3), (None, 3), (None, 4), (5, 5),
    ]  # fmt: skip


def test_a_round_opening_on_1_june_2027():
    # 1: 1-14 Jun; 2: 15-21 Jun; 3: 22 Jun-19 Jul (28 days); 4: 20 Jul-2 Aug;
    # 5 waits for September: 1-7 Sep; 6: 8-17 Sep (10 days); 7: 18 Sep-8 Oct (21 days);
    # 8 opens in November and runs to the end of it.
    dated = schedule(timetable(), D(2027, 6, 1))
    assert [(d.start, d.end) for d in dated] == [
        (D(2027, 6, 1), D(2027, 6, 14)),
        (D(2027, 6, 15), D(2027, 6, 21)),
        (D(2027, 6, 22), D(2027, 7, 19)),
        (D(2027, 7, 20), D(2027, 8, 2)),
        (D(2027, 9, 1), D(2027, 9, 7)),
        (D(2027, 9, 8), D(2027, 9, 17)),
        (D(2027, 9, 18), D(2027, 10, 8)),
        (D(2027, 11, 1), D(2027, 11, 30)),
    ]
    assert [d.due_by for d in dated][:3] == [D(2027, 7, 31), D(2027, 7, 31), D(2027, 8, 31)]
    assert not any(d.late for d in dated)


def test_a_round_opening_in_another_month_moves_every_step_and_crosses_the_year():
    # Start 20 Sep 2027: three months later than June, so step 5 opens 1 Dec and
    # step 8 is February 2028 (a leap year: to the 29th).
    dated = schedule(timetable(), D(2027, 9, 20))
    assert dated[0].start == D(2027, 9, 20)
    assert dated[4].start == D(2027, 12, 1)
    assert (dated[7].start, dated[7].end) == (D(2028, 2, 1), D(2028, 2, 29))


def test_a_step_that_runs_past_its_month_is_marked_late():
    step = Step(1, "Team", "Evaluate.", None, 0, dt.timedelta(days=30), "30 days")
    dated = schedule(Timetable("t", "Test", 6, (step,)), D(2027, 6, 10))
    assert (dated[0].end, dated[0].due_by, dated[0].late) == (D(2027, 7, 9), D(2027, 6, 30), True)


def test_the_command_prints_the_dates(capsys):
    assert main(["timetable", "--start", "2027-06-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Kent growth-bid round, starting Tuesday 1 June 2027")
    assert "6     Wed 8 Sep 2027   Fri 17 Sep 2027  Thu 30 Sep 2027  Commissioning Body" in out


def test_the_command_prints_json(capsys):
    assert main(["timetable", "--start", "2027-06-01", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert (steps[5]["start"], steps[5]["end"], steps[5]["duration"]) == ("2027-09-08", "2027-09-17", "10 days")


def test_a_bad_start_date_is_a_usage_error(capsys):
    assert main(["timetable", "--start", "1 June"]) == 2
    assert "'1 June' is not a date in the form YYYY-MM-DD" in capsys.readouterr().err
