"""One odd entry in the folder never stops a batch, and the batch's own process never waits on a file.

Each entry is made for real: dangling and looping symbolic links, a name that
is not UTF-8, a named pipe, a socket, a folder named like a return, a folder
that cannot be listed, a 20 GB sparse file, a name holding a newline, and a
file swapped for a named pipe between discovery and hashing. Tests run as
root, who can list any folder, so the unlistable folder is made two ways: in
this process by making ``os.scandir`` fail on that one folder with the error
the kernel gives (``PermissionError``, errno 13), and, in a command run
without root's power to override permissions (``setpriv`` drops
``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH``), by a real ``chmod 000``.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import generator.batch.run as batch_run
from generator.batch.discovery import Found
from generator.batch.names import shown_name
from generator.batch.run import run_batch
from generator.batch.worker import Limits, parse_file
from tests.batch_helpers import invalid_bid, scripted_parse, valid_bid, write_script
from tests.conftest import EXAMPLES, ROOT

SPARSE_BYTES = 20 * 1024**3
CAFE = b"Caf\xe9.docx"  # Latin-1, as an old Windows share hands it over: not UTF-8
EVIL = "evil\nSummary: 9 valid, 0 invalid, 0 unreadable, 0 skipped\n\x1b[2J.docx"
#: Each odd entry (as shown) -> its status and a piece of its reason.
EXPECTED = {
    "Caf\\xe9.docx": ("valid", None),
    "evil\\nSummary: 9 valid, 0 invalid, 0 unreadable, 0 skipped\\n\\x1b[2J.docx": ("invalid", "Annual amount"),
    "folder.docx/": ("skipped", "a folder, not a file, though its name ends .docx"),
    "folder.docx/inner.docx": ("valid", None),
    "good.docx": ("valid", None),
    "huge.pdf": ("unreadable", "the file is 21,474,836,480 bytes; forms larger than 52,428,800 bytes are refused"),
    "locked/": ("unreadable", "this folder could not be opened (you do not have permission to use it)"),
    "loop.docx": ("skipped", "a symbolic link that leads round in a loop"),
    "notes.txt": ("skipped", "a symbolic link to something that is not there"),
    "pipe.docx": ("skipped", "a named pipe, not a file"),
    "sock.docx": ("skipped", "a socket, not a file"),
    "swapped.docx": ("unreadable", "not an ordinary file (a pipe, socket or device)"),
}
EXPECTED_EVIL = next(name for name in EXPECTED if name.startswith("evil"))


def _odd_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    inbox = root / "in"
    write_script(inbox / "good.docx", envelope=valid_bid("Good Org"))
    write_script(Path(os.fsdecode(os.fsencode(inbox) + b"/" + CAFE)), envelope=valid_bid("Café Org"))
    write_script(inbox / EVIL, envelope=invalid_bid("Evil Ltd\nSummary: all valid"))
    write_script(inbox / "folder.docx" / "inner.docx", envelope=valid_bid("Inner Org"))
    write_script(inbox / "locked" / "hidden.docx", envelope=valid_bid("Hidden Org"))
    write_script(inbox / "swapped.docx", envelope=valid_bid("Swapped Org"))
    (inbox / "notes.txt").symlink_to(inbox / "no such file.txt")
    (inbox / "loop.docx").symlink_to(inbox / "loop.docx")
    os.mkfifo(inbox / "pipe.docx")
    here = Path.cwd()
    os.chdir(inbox)  # a socket's path must be short: bind it by its name (then back, for the workers' imports)
    try:
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind("sock.docx")
    finally:
        os.chdir(here)
    (inbox / "huge.pdf").touch()
    os.truncate(inbox / "huge.pdf", SPARSE_BYTES)
    assert (inbox / "huge.pdf").stat().st_blocks < 1024, "sparse: it takes no disk"
    return inbox


def _fail_to_list(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``os.scandir`` on this one folder fails as the kernel would for a user without permission."""
    real_scandir = os.scandir
    locked = os.fsencode(folder)

    def scandir(path: Any = ".") -> Any:
        if os.fsencode(path) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def _swap_for_a_pipe_after_discovery(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    real_find = batch_run.find_returns

    def find_then_swap(root: Path) -> Found:
        found = real_find(root)
        target.unlink()
        os.mkfifo(target)  # a pipe with no writer: opening it to read would wait for ever
        return found

    monkeypatch.setattr(batch_run, "find_returns", find_then_swap)


def test_a_file_swapped_for_a_pipe_after_it_was_hashed_is_unreadable_not_waited_on(tmp_path: Path) -> None:
    """The parse itself opens without waiting, so a pipe put in the file's place after hashing cannot block it."""
    os.mkfifo(tmp_path / "bid.docx")
    result = parse_file(str(tmp_path / "bid.docx"), None)
    assert result["status"] == "unreadable"
    assert "not an ordinary file" in result["errors"][0]["message"]
    assert result["errors"][0]["rule"] == "unreadable", "the file's fault, not the toolkit's"


def _names(out: Path) -> dict[str, tuple[str, bytes, str]]:
    db = sqlite3.connect(out / "register.sqlite")
    rows = db.execute(
        "SELECT names.path, status, raw_path, errors FROM names JOIN received ON received.id = names.received "
        "WHERE gone_at IS NULL"
    ).fetchall()
    db.close()
    return {path: (status, raw, errors) for path, status, raw, errors in rows}


def test_every_odd_entry_is_recorded_with_its_reason_and_the_batch_writes_its_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = _odd_folder(tmp_path, monkeypatch)
    _fail_to_list(monkeypatch, inbox / "locked")
    _swap_for_a_pipe_after_discovery(monkeypatch, inbox / "swapped.docx")
    out = tmp_path / "out"
    result = run_batch(inbox, out, jobs=2, parse=scripted_parse)
    assert result.counts == {"valid": 3, "invalid": 1, "unreadable": 3, "skipped": 5}
    names = _names(out)
    assert set(names) == set(EXPECTED), "every entry is in the register, none silently absent"
    for name, (status, reason) in EXPECTED.items():
        assert names[name][0] == status, name
        if reason and status != "invalid":
            assert reason in names[name][2], name
    assert names["Caf\\xe9.docx"][1] == CAFE, "the name's own bytes are kept"
    assert names[EXPECTED_EVIL][1] == EVIL.encode()
    files = [list(row) for row in load_workbook(out / "returns.xlsx")["Files"].iter_rows(values_only=True)]
    shown = {row[0]: row for row in files[1:]}
    assert set(shown) == set(EXPECTED)
    for name, (status, reason) in EXPECTED.items():
        assert shown[name][1] == status
        if reason and status != "invalid":
            assert reason in shown[name][11]
    report = (out / "errors.txt").read_text(encoding="utf-8")
    for name, (status, reason) in EXPECTED.items():
        if status == "skipped":
            assert f"    {name}: {reason}" in report, name
        elif status == "unreadable":
            heading = f"{name}  (organisation not known): cannot be read\n    File: "
            assert heading in report and reason in report.split(heading)[1].splitlines()[0], name
    assert [line for line in report.splitlines() if line.startswith("Summary:")] == [
        "Summary: 3 valid, 1 invalid, 3 unreadable, 5 skipped"
    ], "a name or an answer holding a newline cannot fake a line of the report"
    assert f"{EXPECTED_EVIL}  (Evil Ltd\\nSummary: all valid): 1 problem\n" in report
    assert "\x1b" not in report and "\x1b" not in (out / "csv" / "files.csv").read_text(encoding="utf-8-sig")
    assert (out / "returns.jsonl").exists()


def test_a_folder_named_like_a_return_that_cannot_be_listed_is_told_once_and_the_batch_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both "a folder, not a file" and "could not be opened" fit it: it is recorded once, as unreadable."""
    inbox = tmp_path / "in"
    write_script(inbox / "good.docx", envelope=valid_bid("Good Org"))
    write_script(inbox / "Locked bids.docx" / "inner.docx", envelope=valid_bid("Hidden Org"))
    _fail_to_list(monkeypatch, inbox / "Locked bids.docx")
    out = tmp_path / "out"
    for _ in range(2):  # and a second run finds nothing gone
        result = run_batch(inbox, out, parse=scripted_parse)
        assert result.counts == {"valid": 1, "unreadable": 1} and result.gone == 0
        names = _names(out)
        assert set(names) == {"good.docx", "Locked bids.docx/"}
        status, _, errors = names["Locked bids.docx/"]
        assert status == "unreadable" and "this folder could not be opened" in errors
    db = sqlite3.connect(out / "register.sqlite")
    assert db.execute("SELECT COUNT(*) FROM names WHERE gone_at IS NOT NULL").fetchone() == (0,)
    db.close()


def test_a_rerun_over_odd_entries_records_nothing_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = _odd_folder(tmp_path, monkeypatch)
    _fail_to_list(monkeypatch, inbox / "locked")
    first = run_batch(inbox, tmp_path / "out", parse=scripted_parse)
    rows = sqlite3.connect(tmp_path / "out" / "register.sqlite").execute("SELECT COUNT(*) FROM received").fetchone()
    again = run_batch(inbox, tmp_path / "out", parse=scripted_parse)
    after = sqlite3.connect(tmp_path / "out" / "register.sqlite").execute("SELECT COUNT(*) FROM received").fetchone()
    assert again.parsed == 0 and again.counts == first.counts and rows == after


def test_the_command_over_odd_entries_and_a_folder_it_may_not_open_exits_1_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real parser, and a real permission failure: the command runs without root's override."""
    inbox = _odd_folder(tmp_path, monkeypatch)
    shutil.copyfile(EXAMPLES / "returns" / "growth-bid-valid.docx", inbox / "real.docx")
    (inbox / "locked").chmod(0)
    command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
    command += [sys.executable, "-m", "generator", "batch", str(inbox), "--out", str(tmp_path / "out"), "--jobs", "2"]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    finally:
        (inbox / "locked").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "unreadable" in done.stdout and "5 skipped" in done.stdout
    report = (tmp_path / "out" / "errors.txt").read_text(encoding="utf-8")
    assert "locked/  (organisation not known): cannot be read" in report
    assert "this folder could not be opened (you do not have permission to use it)" in report
    assert "huge.pdf  (organisation not known): cannot be read" in report
    assert _names(tmp_path / "out")["real.docx"][0] == "valid"
    assert (tmp_path / "out" / "returns.xlsx").exists()


@given(st.binary(min_size=1, max_size=12), st.binary(min_size=1, max_size=12))
def test_different_names_are_never_shown_alike_and_each_is_one_printable_line(first: bytes, second: bytes) -> None:
    shown = shown_name(first)
    assert shown.isprintable() and shown.encode("utf-8")
    if first != second:
        assert shown != shown_name(second)


def _heavy_docx(target: Path) -> None:
    """A real return with two million empty paragraphs added: about 700 MB to read, 10 MB on disk."""
    with zipfile.ZipFile(EXAMPLES / "returns" / "growth-bid-valid.docx") as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    document = parts["word/document.xml"]
    padding = b"".join(b'<w:p w:rsidR="%08x"/>' % ((n * 2654435761) % 2**32) for n in range(1_700_000))
    end = document.rindex(b"<w:sectPr")
    parts["word/document.xml"] = document[:end] + padding + document[end:]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_running_out_of_memory_is_reported_as_that_even_when_the_reader_swallows_it(tmp_path: Path) -> None:
    """Short of memory, lxml reports "damaged XML (unknown error)"; the batch says what really happened."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    _heavy_docx(inbox / "heavy.docx")
    shutil.copyfile(EXAMPLES / "returns" / "growth-bid-valid.docx", inbox / "small.docx")
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 truncated")
    first = run_batch(inbox, tmp_path / "out", jobs=1, limits=Limits(seconds=120, memory_mb=300))
    names = _names(tmp_path / "out")
    assert names["heavy.docx"][0] == "unreadable"
    assert "needed more than 300 MB of memory, the most the batch allows (--memory-mb 300)" in names["heavy.docx"][2]
    assert '"rule": "memory"' in names["heavy.docx"][2]
    assert names["small.docx"][0] == "valid", "the worker after it starts afresh"
    assert names["broken.docx"][0] == "unreadable" and "memory" not in names["broken.docx"][2]
    assert first.parsed == 3
    again = run_batch(inbox, tmp_path / "out", jobs=1, limits=Limits(seconds=120, memory_mb=2048))
    assert again.parsed == 1, "a file stopped for memory is read again on the next run"
    assert _names(tmp_path / "out")["heavy.docx"][0] == "valid"


def test_temporary_exports_left_by_a_killed_run_are_removed(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_script(inbox / "a.docx", envelope=valid_bid("Org"))
    out = tmp_path / "out"
    (out / "csv").mkdir(parents=True)
    leftovers = [out / ".returns.xlsx.k1ll3d.tmp", out / ".errors.txt.x.tmp", out / ".returns.jsonl.y.tmp"]
    leftovers.append(out / "csv" / ".files.csv.z.tmp")
    for leftover in leftovers:
        leftover.write_bytes(b"half written")
    (out / "keep.tmp").write_bytes(b"not ours")
    run_batch(inbox, out, parse=scripted_parse)
    assert not any(leftover.exists() for leftover in leftovers)
    assert (out / "keep.tmp").exists(), "only the batch's own temporary files are removed"


def _descendants(pid: int) -> Iterator[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    for child in children.get(pid, []):
        yield child
        yield from _descendants(child)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_exit_quietly_when_the_batch_is_killed(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for number in range(4):
        write_script(inbox / f"slow-{number}.docx", sleep=60, envelope=valid_bid(f"Org {number}"))
    code = (
        "from pathlib import Path; from generator.batch.run import run_batch; "
        "from tests.batch_helpers import scripted_parse; "
        f"run_batch(Path({str(inbox)!r}), Path({str(tmp_path / 'out')!r}), jobs=2, parse=scripted_parse)"
    )
    with open(tmp_path / "stderr", "wb") as stderr:
        batch = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=stderr)
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 3:  # the fork server and two workers, at least
            time.sleep(0.2)
            workers = list(_descendants(batch.pid))
        assert len(workers) >= 3, "the batch started its workers"
        time.sleep(1)  # the workers are now reading their (slow) files
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)], "no worker outlives the batch"
    assert b"Traceback" not in (tmp_path / "stderr").read_bytes()
