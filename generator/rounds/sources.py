"""What a round asks of whatever reads returned forms and batch registers for it: the loader it is handed.

A round file may list returned forms (``.docx``, ``.pdf``, ``.odt``) as well as
YAML or JSON records, and may take its bids and reports from a batch register or
a folder of returns (``bids_from:``, ``evaluations_from:``). Rounds know no file
format and no batch, so the command line hands ``read_round`` a :class:`Loader`
(``generator.intake`` has the one it uses) and the round only ever sees
:class:`Loaded` records with their problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..records.issues import Issue
from ..records.references import ReferenceScheme

__all__ = ["Loaded", "Loader"]


@dataclass(frozen=True)
class Loaded:
    """One record for the round, and every problem found reading it."""

    #: Where it came from, as its problems name it (a file, or a return's name in a register).
    name: str
    #: Unique to it within a round, so the same return is never counted twice.
    key: Path
    #: The typed record; None when it cannot be used (its issues say why).
    record: Mapping[str, Any] | None
    #: The version of the form it was made on.
    version: str | None
    issues: tuple[Issue, ...] = ()
    #: The reference a register gave the bid (None: it has none, or it is not a bid).
    reference: str | None = None
    #: The file's content hash, so a return listed by name and also found in a register is taken once.
    sha256: str | None = None


class Loader(Protocol):
    """Reads returned forms and registers for a round."""

    def returned(self, file: Path, kind: str, today: dt.date | None) -> Loaded | None:
        """``file`` read as a returned form of ``kind``; None when it is not a returned form at all."""
        ...

    def returns_in(
        self,
        source: Path,
        kind: str,
        today: dt.date | None,
        numbering: ReferenceScheme | None = None,
        own_reference: str | None = None,
    ) -> list[Loaded]:
        """The current return of each bid of ``kind`` in a register or a folder of returns, and every problem.

        With ``numbering``, each bid without a reference (typed at ``own_reference``) gets the next one.
        """
        ...
