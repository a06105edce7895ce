"""Fuzz: mutated bytes of real forms may only ever give an envelope, never an exception or a hang."""

from __future__ import annotations

import io
import time
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.returns.parse import Envelope, parse_bytes

from ..conftest import EXAMPLES, ROOT

SEEDS = [
    (ROOT / "forms" / "growth-bid.docx").read_bytes(),
    (ROOT / "forms" / "evaluation-report.docx").read_bytes(),
    (EXAMPLES / "returns" / "growth-bid-valid.docx").read_bytes(),
]
_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _check(data: bytes) -> None:
    started = time.perf_counter()
    envelope = parse_bytes(data, "fuzzed.docx")
    assert isinstance(envelope, Envelope)
    assert envelope.status in ("valid", "invalid", "unreadable")
    assert envelope.exit_code in (0, 1, 3)
    assert time.perf_counter() - started < 5


def _document(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def _replace_document(data: bytes, document: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, document if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


_edits = st.lists(st.tuples(st.floats(0, 1), st.integers(1, 64), st.binary(max_size=16)), min_size=1, max_size=8)


def _mutate(data: bytes, edits: list[tuple[float, int, bytes]]) -> bytes:
    for where, length, patch in edits:
        at = int(where * len(data))
        data = data[:at] + patch + data[at + length :]
    return data


@_FAST
@given(seed=st.sampled_from(range(len(SEEDS))), edits=_edits)
def test_mutated_package_bytes_give_an_envelope(seed: int, edits: list[tuple[float, int, bytes]]) -> None:
    _check(_mutate(SEEDS[seed], edits))


_XML_BITS = st.sampled_from(
    [b"<", b">", b"/>", b"</w:tc>", b"<w:tc>", b"</w:tr>", b"<w:sdt>", b"</w:sdt>", b"<w:sdtContent>", b'w:val="',
     b"<w:tag/>", b"<w:altChunk/>", b"<w:del>", b"&amp;", b"\xff\xfe", b"\x00", b"<w:br/>", b"<w14:checked/>"]
)  # fmt: skip


@_FAST
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), _XML_BITS), max_size=6),
)
def test_mutated_document_xml_gives_an_envelope(seed: int, edits: list[tuple[float, int, bytes]]) -> None:
    _check(_replace_document(SEEDS[seed], _mutate(_document(SEEDS[seed]), edits)))


def _reshape(document: bytes, picks: list[tuple[float, str]]) -> bytes:
    """Well-formed but odd: elements removed, unwrapped or duplicated, as careless editing does."""
    from copy import deepcopy

    from lxml import etree

    root = etree.fromstring(document)
    for where, action in picks:
        elements = [e for e in root.iter() if e.getparent() is not None]
        if not elements:
            break
        element = elements[int(where * (len(elements) - 1))]
        parent = element.getparent()
        if action == "remove":
            parent.remove(element)
        elif action == "duplicate":
            element.addnext(deepcopy(element))
        else:
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset + 1, child)
            parent.remove(element)
    return etree.tostring(root)


@_FAST
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    picks=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(["remove", "duplicate", "unwrap"])), min_size=1, max_size=12
    ),
)
def test_reshaped_document_gives_an_envelope(seed: int, picks: list[tuple[float, str]]) -> None:
    _check(_replace_document(SEEDS[seed], _reshape(_document(SEEDS[seed]), picks)))
