"""One bad file never stops the batch: hangs, crashes, memory blow-ups and exceptions become that file's reason."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.batch import worker
from generator.batch.fingerprint import fingerprint
from generator.batch.run import run_batch
from generator.batch.worker import TOOLKIT_ERROR, Limits, WorkerPool, parse_in_workers
from tests.batch_helpers import scripted_parse, valid_bid, write_script
from tests.conftest import ROOT


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


def test_a_file_waiting_behind_another_gets_its_whole_time_limit(tmp_path: Path) -> None:
    """Two files in one worker's pipe: the second's time starts when the first is done, not when it was sent."""
    good = valid_bid("Good Org")
    scripts: dict[str, dict[str, object]] = {f"{n}-slow.docx": {"sleep": 1.5, "envelope": good} for n in range(3)}
    results = _run(tmp_path, scripts, jobs=1)  # each takes 1.5 s of a 2.5 s limit
    assert all(result == good for result in results.values())


def test_a_file_waiting_behind_a_hang_or_crash_is_read_by_a_fresh_worker(tmp_path: Path) -> None:
    good = valid_bid("Good Org")
    scripts: dict[str, dict[str, object]] = {
        "1-hang.docx": {"sleep": 30},
        "2-good.docx": {"envelope": good},
        "3-crash.docx": {"crash": True},
        "4-good.docx": {"envelope": good},
    }
    results = _run(tmp_path, scripts, jobs=1)
    assert results["2-good.docx"] == good and results["4-good.docx"] == good
    assert "took longer than 2.5 seconds" in _reason(results["1-hang.docx"])
    assert "crashed (SIGSEGV)" in _reason(results["3-crash.docx"])


def _appears(path: Path, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_the_worker_reads_the_next_file_while_the_batch_stores_the_last(tmp_path: Path) -> None:
    """While the caller holds a result (storing it), the one worker has already started the next file."""
    good = valid_bid("Good Org")
    marks = [tmp_path / f"{n}.started" for n in range(4)]
    paths = [str(write_script(tmp_path / f"{n}.docx", mark=str(marks[n]), envelope=good)) for n in range(4)]
    handed_back = 0
    for _path, result in parse_in_workers(paths, jobs=1, limits=Limits(seconds=60), parse=scripted_parse):
        assert result == good
        if handed_back + 1 < len(paths):  # the generator is paused here: only the worker can make the mark
            assert _appears(marks[handed_back + 1]), f"file {handed_back + 1} was not started while {handed_back} was"
        handed_back += 1
    assert handed_back == len(paths)


def test_workers_import_the_readers_but_not_the_command_line_or_the_exports(tmp_path: Path) -> None:
    """Started from a script (as the installed ``commission`` is), workers do not run that script again."""
    probe = write_script(tmp_path / "probe.docx", modules=True)
    script = tmp_path / "start_batch.py"
    script.write_text(
        "import json, sys\n"
        "from generator.batch.worker import Limits, parse_in_workers\n"
        "from generator.cli import main  # as the commission script does\n"
        "from tests.batch_helpers import scripted_parse\n"
        "if __name__ == '__main__':\n"
        f"    for _, result in parse_in_workers([{str(probe)!r}], jobs=1, limits=Limits(), parse=scripted_parse):\n"
        "        print(json.dumps(result))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(result["modules"])
    assert result["main_file"] is None
    assert "generator.returns.parse" in modules and "generator.ooxml.reader" in modules
    assert not {"generator.cli", "generator.batch.exports", "xlsxwriter", "click", "rich"} & modules


def test_one_worker_serves_every_pass_of_a_batch(tmp_path: Path) -> None:
    """The fingerprints and the reads go to the same worker: a batch of one file starts one, not two."""
    path = str(write_script(tmp_path / "a.docx", pid=True))
    with WorkerPool(jobs=1, limits=Limits(seconds=30)) as pool:
        [(_, first)] = list(pool.run([(path,)], scripted_parse, (None,)))
        [(_, facts)] = list(pool.run([(path, False)], fingerprint))
        [(_, second)] = list(pool.run([(path,)], scripted_parse, (None,)))
        assert len(pool.workers) == 1
    assert first["pid"] == second["pid"]
    assert facts["size"] == Path(path).stat().st_size and len(facts["sha256"]) == 64
    assert not pool.workers, "closed with the pool"


def test_a_batch_of_one_file_starts_one_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    write_script(inbox / "a.docx", envelope=valid_bid("Good Org"))
    started: list[object] = []
    real_init = worker._Worker.__init__

    def counted(self: worker._Worker, *args: object, **kwargs: object) -> None:
        started.append(self)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker._Worker, "__init__", counted)
    result = run_batch(inbox, tmp_path / "out", jobs=4, parse=scripted_parse)
    assert result.count("valid") == 1 and result.parsed == 1
    assert len(started) == 1


def test_a_pool_left_part_way_stops_its_workers(tmp_path: Path) -> None:
    """A caller that stops reading results (an error while storing one) leaves no worker holding a stale file."""
    paths = [(str(write_script(tmp_path / f"{n}.docx", pid=True)),) for n in range(4)]
    pool = WorkerPool(jobs=1, limits=Limits(seconds=30))
    results = pool.run(paths, scripted_parse, (None,))
    next(results)
    processes = [w.process for w in pool.workers]
    results.close()
    assert not pool.workers
    assert all(not process.is_alive() for process in processes)
    [(_, again)] = list(pool.run(paths[:1], scripted_parse, (None,)))
    assert again["status"] == "valid", "the pool starts afresh"
    pool.close()


def test_the_pool_takes_items_only_as_its_workers_need_them(tmp_path: Path) -> None:
    """A folder's listing is never read ahead: each worker holds two files, and one more is looked at."""
    paths = [
        str(write_script(tmp_path / f"{number}.docx", envelope=valid_bid(f"Org {number}"))) for number in range(12)
    ]
    taken: list[str] = []

    def items() -> Iterator[tuple[str]]:
        for path in paths:
            taken.append(path)
            yield (path,)

    with WorkerPool(jobs=2, limits=Limits(seconds=30)) as pool:
        taken_at_each_result = [len(taken) for _ in pool.run(items(), scripted_parse, (None,))]
    assert len(taken_at_each_result) == 12 and taken == paths
    assert all(count <= done + 2 * 2 + 1 for done, count in enumerate(taken_at_each_result, 1)), taken_at_each_result
