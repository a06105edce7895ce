"""Telling what a zip is from its directory without zipfile: the same names as ``ZipFile.namelist()``, or no answer."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ooxml.zipread import member_names

ROOT = Path(__file__).resolve().parents[1]
ZIPS = sorted(
    path
    for pattern in ("*.docx", "*.docm", "*.dotx", "*.odt", "*.ott", "*.zip", "*.xlsx")
    for path in ROOT.rglob(pattern)
    if not {".git", "build", "site-build"} & set(path.relative_to(ROOT).parts)
)


def _zipfile_names(data: bytes) -> list[str] | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None


def _agrees(data: bytes) -> None:
    names = member_names(data)
    if names is not None:
        assert names == _zipfile_names(data)


def test_the_repository_holds_many_zips_and_every_plain_one_is_listed() -> None:
    assert len(ZIPS) > 40
    listed = [path for path in ZIPS if member_names(path.read_bytes()) is not None]
    assert len(listed) > len(ZIPS) * 3 // 4


@pytest.mark.parametrize("path", ZIPS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_zip_here_is_listed_as_zipfile_lists_it(path: Path) -> None:
    _agrees(path.read_bytes())


def _made_zip(names: list[str], comment: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.writestr(name, name.encode("utf-8") * 3)
        archive.comment = comment
    return out.getvalue()


_NAMES = st.lists(
    st.text(st.characters(codec="utf-8", exclude_characters="\0\\"), min_size=1, max_size=12), max_size=6, unique=True
)


@settings(max_examples=300, deadline=None)
@given(_NAMES, st.binary(max_size=40))
def test_made_zips_are_listed_as_zipfile_lists_them(names: list[str], comment: bytes) -> None:
    data = _made_zip(names, comment)
    _agrees(data)
    if b"PK" not in comment:  # a comment can hold what looks like the directory's end; zipfile is fooled too
        assert member_names(data) == zipfile.ZipFile(io.BytesIO(data)).namelist()


@settings(max_examples=600, deadline=None)
@given(_NAMES, st.data())
def test_a_damaged_zip_is_listed_as_zipfile_lists_it_or_not_at_all(names: list[str], data: st.DataObject) -> None:
    whole = bytearray(_made_zip(names or ["word/document.xml"], b""))
    cut = data.draw(st.integers(min_value=0, max_value=len(whole)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(whole) - 1), st.integers(1, 255)), max_size=3))
    for at, bits in flips:
        whole[at] ^= bits
    _agrees(bytes(whole))
    _agrees(bytes(whole[cut:]))
    _agrees(bytes(whole[:cut]))
