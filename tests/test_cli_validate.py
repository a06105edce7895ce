"""``commission validate``: exit codes, output, and files that cannot be read."""

from __future__ import annotations

import json
import subprocess
import sys

from generator.cli import main
from tests.conftest import EXAMPLES

VALID = EXAMPLES / "growth-bid" / "dartford-young-people-leaving-care.yaml"
INVALID = EXAMPLES / "growth-bid" / "invalid" / "missing-annual-amount.yaml"


def test_valid_file_exits_0(capsys):
    assert main(["validate", str(VALID), "--kind", "growth-bid", "--today", "2026-08-01"]) == 0
    assert "valid growth-bid" in capsys.readouterr().out


def test_invalid_file_exits_1_with_pointer_label_and_message(capsys):
    assert main(["validate", str(INVALID), "--kind", "growth-bid"]) == 1
    out = capsys.readouterr().out
    assert "/annual_amount" in out
    assert "Annual amount: this must be filled in; enter an amount in pounds, such as 12500.00" in out


def test_json_output_lists_the_errors(capsys):
    assert main(["validate", str(INVALID), "--kind", "growth-bid", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["valid"] is False
    assert payload["errors"][0]["path"] == "/annual_amount"
    assert payload["errors"][0]["field"] == "Annual amount"


def test_unknown_kind_is_a_usage_error(capsys):
    assert main(["validate", str(VALID), "--kind", "growth-bids"]) == 2


def test_missing_kind_is_a_usage_error(capsys):
    assert main(["validate", str(VALID)]) == 2


def test_missing_file_exits_3(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "absent.json"), "--kind", "growth-bid"]) == 3
    assert "absent.json: there is no such file" in capsys.readouterr().err


def test_broken_json_exits_3_with_the_line(tmp_path, capsys):
    bad = tmp_path / "bid.json"
    bad.write_text('{"proposal_title": "x",\n  "summary": }')
    assert main(["validate", str(bad), "--kind", "growth-bid"]) == 3
    assert "line 2" in capsys.readouterr().err


def test_yaml_aliases_are_refused_so_a_billion_laughs_cannot_run(tmp_path, capsys):
    bomb = tmp_path / "bomb.yaml"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        this = chr(ord("a") + n)
        lines.append(f"{this}: &{this} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    bomb.write_text("\n".join(lines))
    assert main(["validate", str(bomb), "--kind", "growth-bid"]) == 3
    assert "aliases" in capsys.readouterr().err


def test_binary_file_exits_3(tmp_path, capsys):
    binary = tmp_path / "bid.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["validate", str(binary), "--kind", "growth-bid"]) == 3


def test_help_lists_only_working_commands():
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, check=True)
    listed = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()]
    for command in listed:
        sub = subprocess.run([sys.executable, "-m", "generator", command, "--help"], capture_output=True, text=True)
        assert sub.returncode == 0, command
    assert "validate" in listed
