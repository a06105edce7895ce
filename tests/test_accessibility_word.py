"""Accessibility of the Word files (issue 16, WCAG 2.2 AA), checked in the committed forms and templates
and in documents rendered from them: British English, every text colour 4.5:1 on white (theme colours
resolved through the theme part), help text of 10 pt or more, a repeating header row on every table,
rows that stay on one page, headings and table introductions kept with what follows, and the grey
prompt of an empty box made the way Word documents, so typed text is never grey.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from lxml import etree

from generator.documents.render import render_record, shipped_templates
from generator.forms.layout import layout_kinds, load_layout
from generator.forms.matching import form_lookup, label_key
from generator.ooxml.controls import read_control
from generator.ooxml.namespaces import NS, qn
from generator.ooxml.writer import QUESTION_HEADER
from generator.records.loading import load_data_file
from generator.returns.parse import parse_return
from tests.conftest import ROOT, TODAY
from tests.test_render import EXAMPLE

W = NS["w"]
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
FORMS = {kind: (ROOT / "forms" / f"{kind}.docx").read_bytes() for kind in layout_kinds()}
TEMPLATES = {name: path.read_bytes() for name, path in shipped_templates().items()}


def _rendered() -> dict[str, bytes]:
    out = {}
    for kind, data in EXAMPLE.items():
        document = render_record(kind, load_data_file(data), today=TODAY).document
        assert document is not None
        out[kind] = document
    return out


RENDERED = _rendered()
EVERY_FILE = {
    **{f"form {k}": v for k, v in FORMS.items()},
    **{f"template {k}": v for k, v in TEMPLATES.items()},
    **{f"rendered {k}": v for k, v in RENDERED.items()},
}


def _parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: etree.fromstring(package.read(name)) for name in package.namelist() if name.endswith(".xml")}


# -- WCAG 2.2 relative luminance and contrast (written out here, apart from the code under test) --------------
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast(colour: str, background: str = "FFFFFF") -> float:
    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
        return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


_THEME_SLOTS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1", "text2": "dk2", "dark2": "dk2",
    "background2": "lt2", "light2": "lt2", "hyperlink": "hlink", "followedHyperlink": "folHlink",
    **{f"accent{n}": f"accent{n}" for n in range(1, 7)},
}  # fmt: skip


def _theme_colour(parts: dict[str, etree._Element], colour: etree._Element) -> str:
    """A ``w:themeColor`` resolved through the theme part, with its shade or tint (ECMA-376 17.3.2.6)."""
    theme = next(root for name, root in parts.items() if name.startswith("word/theme/"))
    slot = theme.find(f".//{{{A}}}clrScheme/{{{A}}}{_THEME_SLOTS[colour.get(qn('w:themeColor'))]}")
    value = slot[0].get("lastClr") or slot[0].get("val")
    channels = [int(value[i : i + 2], 16) for i in (0, 2, 4)]
    if shade := colour.get(qn("w:themeShade")):
        channels = [round(c * int(shade, 16) / 255) for c in channels]
    if tint := colour.get(qn("w:themeTint")):
        channels = [round(c * int(tint, 16) / 255 + 255 * (1 - int(tint, 16) / 255)) for c in channels]
    return "".join(f"{c:02X}" for c in channels)


def text_colours(data: bytes) -> Iterator[tuple[str, str, float]]:
    """Every text colour in the styles and content parts: (part, colour as shown, ratio on white)."""
    parts = _parts(data)
    for name, root in parts.items():
        if not name.startswith("word/") or name.startswith("word/theme/"):
            continue
        for colour in root.iter(qn("w:color")):
            value = colour.get(qn("w:val"), "auto")
            shown = "000000" if value.lower() == "auto" else value
            if colour.get(qn("w:themeColor")):
                shown = _theme_colour(parts, colour)
            yield name, shown, contrast(shown)


@pytest.mark.parametrize("name", EVERY_FILE)
def test_every_text_colour_is_at_least_4_5_to_1_on_white(name: str) -> None:
    colours = list(text_colours(EVERY_FILE[name]))
    assert colours, "the styles part has colours (headings, placeholder text) to check"
    low = sorted({(part, colour, round(ratio, 2)) for part, colour, ratio in colours if ratio < 4.5})
    assert low == []


def test_the_contrast_formula_gives_the_known_ratios() -> None:
    """The values the issue quotes, so the check above measures what WCAG measures."""
    assert round(contrast("808080"), 2) == 3.95
    assert round(contrast("4F81BD"), 2) == 4.03
    assert round(contrast("000000"), 1) == 21.0


@pytest.mark.parametrize("name", EVERY_FILE)
def test_the_language_is_british_english_everywhere(name: str) -> None:
    parts = _parts(EVERY_FILE[name])
    for styles in ("word/styles.xml", "word/stylesWithEffects.xml"):
        if styles not in parts:
            continue
        lang = parts[styles].find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("en-GB", "en-GB"), styles
    assert parts["word/settings.xml"].find(qn("w:themeFontLang")).get(qn("w:val")) == "en-GB"
    declared = {value for root in parts.values() for lang in root.iter(qn("w:lang")) for value in lang.attrib.values()}
    assert "en-US" not in declared


def _style(parts: dict[str, etree._Element], style_id: str) -> etree._Element:
    return next(s for s in parts["word/styles.xml"].iter(qn("w:style")) if s.get(qn("w:styleId")) == style_id)


@pytest.mark.parametrize("name", EVERY_FILE)
def test_title_subtitle_and_headings_keep_with_the_next_paragraph(name: str) -> None:
    parts = _parts(EVERY_FILE[name])
    for style_id in ("Title", "Subtitle", *(f"Heading{n}" for n in range(1, 10))):
        assert _style(parts, style_id).find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, style_id


def _tables(data: bytes) -> list[etree._Element]:
    return list(_parts(data)["word/document.xml"].iter(qn("w:tbl")))


def _rows(table: etree._Element) -> list[etree._Element]:
    return table.findall(qn("w:tr"))


def _has(row: etree._Element, name: str) -> bool:
    return row.find(f"{qn('w:trPr')}/{qn(name)}") is not None


def _cell_texts(row: etree._Element) -> list[str]:
    return ["".join(cell.itertext()) for cell in row.findall(qn("w:tc"))]


@pytest.mark.parametrize("name", EVERY_FILE)
def test_every_table_opens_with_a_header_row_repeated_on_each_page(name: str) -> None:
    tables = _tables(EVERY_FILE[name])
    assert tables or "letter" in name, "every form and document but a letter has tables"
    for table in tables:
        header = _rows(table)[0]
        assert _has(header, "w:tblHeader") and _has(header, "w:cantSplit"), _cell_texts(header)
        kept = [p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in header.iter(qn("w:p"))]
        assert all(kept), "a header row is kept with the row under it"


@pytest.mark.parametrize("kind", FORMS)
def test_form_rows_stay_on_one_page_except_long_answers(kind: str) -> None:
    """Question rows and repeating-table rows never split; a long-text answer's row may (it can outgrow a page)."""
    lookup, seen = form_lookup(kind), {"question": 0, "table": 0, "long": 0}
    for table in _tables(FORMS[kind]):
        header, *rows = _rows(table)
        if _cell_texts(header) == list(QUESTION_HEADER):
            for row in rows:
                question = lookup.question_labelled(_cell_texts(row)[0])
                assert question is not None
                long_answer = question.widget == "textarea"
                assert _has(row, "w:cantSplit") is not long_answer, question.pointer
                seen["long" if long_answer else "question"] += 1
        else:
            assert lookup.table_headed(_cell_texts(header)) is not None
            assert all(_has(row, "w:cantSplit") for row in rows)
            seen["table"] += len(rows)
    assert all(seen.values()), seen


@pytest.mark.parametrize("kind", FORMS)
def test_question_tables_are_headed_question_and_your_answer(kind: str) -> None:
    layout = load_layout(kind)
    headed = [t for t in _tables(FORMS[kind]) if _cell_texts(_rows(t)[0]) == list(QUESTION_HEADER)]
    asked = [q for q in layout.questions() if not q.columns]
    assert sum(len(_rows(t)) - 1 for t in headed) == len(asked)


@pytest.mark.parametrize("kind", FORMS)
def test_the_readers_take_the_header_row_for_no_question_and_no_added_row(kind: str, tmp_path) -> None:
    """A blank form reads as blank: the "Question | Your answer" row is neither an answer nor a row a bidder added."""
    path = tmp_path / f"{kind}.docx"
    path.write_bytes(FORMS[kind])
    envelope = parse_return(path, today=TODAY)
    assert all(value in (None, "", [], False) for value in envelope.raw.values()), envelope.raw
    assert "rows_without_controls" not in envelope.flags and "recovered" not in envelope.flags
    assert [w for w in envelope.warnings if "added" in w.message or "missing" in w.message] == []


@pytest.mark.parametrize("kind", FORMS)
def test_help_text_is_its_own_style_of_at_least_10_pt(kind: str) -> None:
    parts = _parts(FORMS[kind])
    style = next(
        s for s in parts["word/styles.xml"].iter(qn("w:style")) if s.find(qn("w:name")).get(qn("w:val")) == "Help Text"
    )
    assert int(style.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val"))) >= 20  # half-points
    body = parts["word/document.xml"]
    helped = {label_key(q.help) for q in load_layout(kind).questions() if q.help}  # a question's or a table's
    styled = {
        label_key("".join(p.itertext()))
        for p in body.iter(qn("w:p"))
        if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
        and s.get(qn("w:val")) == style.get(qn("w:styleId"))
    }
    assert helped and helped <= styled
    sizes = [int(sz.get(qn("w:val"))) for sz in body.iter(qn("w:sz"))]
    assert all(size >= 20 for size in sizes), "no text in the form is smaller than 10 pt"


@pytest.mark.parametrize("kind", FORMS)
def test_a_table_introduction_is_kept_with_its_table(kind: str) -> None:
    for table in _tables(FORMS[kind]):
        before = table.getprevious()
        while before is not None and before.tag == qn("w:p") and not "".join(before.itertext()).strip():
            before = before.getprevious()  # the empty paragraph that keeps two tables apart
        if before is None or before.tag != qn("w:p"):
            continue
        style = before.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        is_heading = style is not None and style.get(qn("w:val")).startswith(("Heading", "Title", "Subtitle"))
        assert is_heading or before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None, "".join(before.itertext())


@pytest.mark.parametrize("kind", FORMS)
def test_an_empty_box_shows_its_prompt_in_the_placeholder_style_and_typed_text_is_not_grey(kind: str) -> None:
    parts = _parts(FORMS[kind])
    style = _style(parts, "PlaceholderText")
    grey = style.find(f"{qn('w:rPr')}/{qn('w:color')}").get(qn("w:val"))
    assert 4.5 <= contrast(grey) < 7, "the prompt is grey, and still readable"
    prompts = 0
    for sdt in parts["word/document.xml"].iter(qn("w:sdt")):
        if read_control(sdt).kind == "checkbox":
            continue
        props = sdt.find(qn("w:sdtPr"))
        assert props.find(qn("w:showingPlcHdr")) is not None
        assert props[0].tag == qn("w:rPr") and props[0].find(qn("w:color")).get(qn("w:val")) == "auto"
        first, *prompt = sdt.find(qn("w:sdtContent")).findall(qn("w:r"))
        assert first.find(qn("w:rPr")) is None and "".join(first.itertext()) == " "
        for run in prompt:
            assert run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}").get(qn("w:val")) == "PlaceholderText"
            assert run.find(f"{qn('w:rPr')}/{qn('w:color')}") is None, "grey comes from the style, never direct"
        prompts += 1
    assert prompts


@pytest.mark.parametrize("kind", RENDERED)
def test_a_rendered_document_is_titled_with_its_own_name(kind: str) -> None:
    record = load_data_file(EXAMPLE[kind])
    core = _parts(RENDERED[kind])["docProps/core.xml"]
    title = core.find("{http://purl.org/dc/elements/1.1/}title").text
    template_title = _parts(TEMPLATES[kind])["docProps/core.xml"].find("{http://purl.org/dc/elements/1.1/}title").text
    named = {
        "service-specification": record.get("service_name"),
        "evaluation-report": (record.get("bid") or {}).get("reference"),
        "round-summary": (record.get("round") or {}).get("name"),
    }[kind]  # what each example is called, to compare with: the code takes it from the schema's x-document-title
    assert title != template_title and named and named in title
    footer = "".join(
        "".join(root.itertext())
        for part, root in _parts(RENDERED[kind]).items()
        if re.match(r"word/footer\d*\.xml", part)
    )
    assert title in footer, "the footer and the properties give the same name"
