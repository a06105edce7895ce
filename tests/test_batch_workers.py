"""One bad file never stops the batch: hangs, crashes, memory blow-ups and exceptions become that file's reason."""

from __future__ import annotations

from pathlib import Path

from generator.batch.worker import TOOLKIT_ERROR, Limits, parse_in_workers
from tests.batch_helpers import scripted_parse, valid_bid, write_script


def _run(tmp_path: Path, scripts: dict[str, dict[str, object]], jobs: int = 2) -> dict[str, dict[str, object]]:
    paths = [str(write_script(tmp_path / name, **script)) for name, script in scripts.items()]
    limits = Limits(seconds=2.5, memory_mb=512)
    results = dict(parse_in_workers(paths, jobs=jobs, limits=limits, parse=scripted_parse))
    return {Path(path).name: result for path, result in results.items()}


def _reason(result: dict[str, object]) -> str:
    errors = result["errors"]
    assert isinstance(errors, list)
    return str(errors[0]["message"])


def test_each_kind_of_failure_is_that_files_reason_and_the_rest_are_read(tmp_path: Path) -> None:
    good = valid_bid("Good Org")
    results = _run(
        tmp_path,
        {
            "hang.docx": {"sleep": 30},
            "crash.docx": {"crash": True},
            "hog.docx": {"hog": True},
            "bug.docx": {"raise": "reader bug"},
            "a.docx": {"envelope": good},
            "b.docx": {"envelope": good},
        },
    )
    assert set(results) == {"hang.docx", "crash.docx", "hog.docx", "bug.docx", "a.docx", "b.docx"}
    assert results["a.docx"] == good and results["b.docx"] == good
    assert "took longer than 2.5 seconds" in _reason(results["hang.docx"])
    assert "crashed (SIGSEGV)" in _reason(results["crash.docx"])
    assert "more than 512 MB of memory" in _reason(results["hog.docx"])
    assert "a fault in the toolkit itself" in _reason(results["bug.docx"])
    assert "RuntimeError" not in _reason(results["bug.docx"])
    assert results["bug.docx"]["errors"][0]["detail"] == "RuntimeError: reader bug", "kept for the bug report"
    for name in ("hang.docx", "crash.docx", "hog.docx", "bug.docx"):
        assert results[name]["status"] == "unreadable"
    errors = results["bug.docx"]["errors"]
    assert isinstance(errors, list) and errors[0]["rule"] == TOOLKIT_ERROR


def test_a_single_worker_recovers_after_each_failure(tmp_path: Path) -> None:
    good = valid_bid("Good Org")
    scripts: dict[str, dict[str, object]] = {
        "1-crash.docx": {"crash": True},
        "2-good.docx": {"envelope": good},
        "3-hog.docx": {"hog": True},
        "4-good.docx": {"envelope": good},
    }
    results = _run(tmp_path, scripts, jobs=1)
    assert results["2-good.docx"] == good and results["4-good.docx"] == good
    assert results["1-crash.docx"]["status"] == results["3-hog.docx"]["status"] == "unreadable"
