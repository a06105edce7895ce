"""A first run reads each file once: the parse is of the very bytes hashed, and its result is parse_return's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.batch import fingerprint as fingerprint_module
from generator.batch.fingerprint import FINGERPRINT, REFUSED, fingerprint, fingerprint_and_parse
from generator.batch.worker import parse_file
from generator.records import bounded_read
from generator.returns import parse as parse_module
from tests.conftest import EXAMPLES, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "returns"
RETURNS = sorted(
    [
        *(EXAMPLES / "returns").glob("*.docx"),
        *FIXTURES.glob("*.docx"),
        *FIXTURES.glob("*.pdf"),
        *(FIXTURES / "pdf").glob("*.pdf"),
        *(FIXTURES / "odt").glob("*.odt"),
        *(ROOT / "forms").glob("*.pdf"),
    ]
)


@pytest.mark.parametrize("path", RETURNS, ids=lambda path: path.name)
def test_one_visit_gives_what_parsing_the_file_gives(path: Path) -> None:
    """Every refusal and every reading of a fixture is the same whether the file is read once or twice."""
    today = dt.date(2026, 6, 1)
    visit = fingerprint_and_parse(str(path), True, parse_file, today)
    if REFUSED in visit:
        assert visit[REFUSED] == fingerprint(str(path), True)
        return
    facts = visit.pop(FINGERPRINT)
    assert facts == fingerprint(str(path), True)
    assert visit == parse_file(str(path), today)
    assert visit["sha256"] == facts["sha256"]


def test_the_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []

    def counted(path: Path, *args: object, **kwargs: object) -> bytes:
        reads.append(Path(path))
        return bounded_read.read_bounded(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fingerprint_module, "read_bounded", counted)
    monkeypatch.setattr(parse_module, "read_bounded", counted)
    path = EXAMPLES / "returns" / "growth-bid-valid.docx"
    visit = fingerprint_and_parse(str(path), False, parse_file, None)
    assert visit["status"] == "valid" and visit["sha256"] == visit[FINGERPRINT]["sha256"]
    assert reads == [path]
