"""A stand-in parser for batch tests: each test file says, in JSON, what parsing it does.

The batch machinery (workers, limits, register, exports) must cope with any
outcome of a parse, including ones real files produce only rarely: a hang, a
crash, a memory blow-up. These files make each outcome happen on demand.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any


def scripted_parse(path: str, today: dt.date | None) -> dict[str, Any]:
    """Do what the file's JSON asks, then return its envelope."""
    script = json.loads(Path(path).read_text(encoding="utf-8"))
    started = time.time()
    if script.get("modules"):  # what this worker has imported, and whether it ran the batch's main script
        main_file = getattr(sys.modules.get("__mp_main__"), "__file__", None)
        return {"status": "valid", "modules": sorted(sys.modules), "main_file": main_file}
    if script.get("pid"):  # which worker process read it
        return {"status": "valid", "pid": os.getpid()}
    if script.get("mark"):  # say it has started, in a file beside it
        Path(script["mark"]).touch()
    if script.get("sleep"):
        time.sleep(script["sleep"])
    if script.get("crash"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if script.get("hog"):
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1000)]
        return {"status": "valid", "size": len(hoard)}
    if script.get("raise"):
        raise RuntimeError(script["raise"])
    if script.get("stamp"):  # when the worker started and finished it
        return {**script["envelope"], "flags": {"started": started, "finished": time.time()}}
    return script["envelope"]


def envelope(kind: str, record: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An envelope as ``parse_return`` gives it, with raw answers built from the record."""
    raw = {f"/{key}": value for key, value in record.items() if not isinstance(value, dict | list)}
    return {
        "kind": kind,
        "version": "1.0.0",
        "status": "invalid" if errors else "valid",
        "record": record,
        "raw": raw,
        "errors": errors or [],
        "warnings": [],
        "flags": {},
    }


def write_script(path: Path, **script: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(script), encoding="utf-8")
    return path


def valid_bid(organisation: str, title: str = "Outreach") -> dict[str, Any]:
    record = {
        "proposal_title": title,
        "applicant": {"organisation": organisation, "email": "a@example.org"},
        "annual_amount": 12500.5,
        "service_users": 40,
        "districts": ["Dartford", "Thanet"],
        "outcomes": [{"description": "More people housed", "measure": "Count"}],
    }
    return envelope("growth-bid", record)


def invalid_bid(organisation: str) -> dict[str, Any]:
    errors = [
        {
            "path": "/annual_amount",
            "field": "Annual amount",
            "message": "this must be filled in; enter an amount in pounds, such as 12500.00",
            "value": None,
            "rule": "required",
        }
    ]
    return envelope("growth-bid", {"proposal_title": "Help", "applicant": {"organisation": organisation}}, errors)
