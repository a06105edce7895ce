"""The blank PDF forms are tagged PDF/UA-1 files, and stay so when pdftk or our own filler fills them.

:mod:`tests.pdfua_checks` is the checker; the tests here run it on every
shipped form, on filled copies, and on copies broken on purpose (each break
must be caught by the check meant for it, so the checker is not a no-op).
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest
import yaml

from generator.forms.layout import FormLayout, layout_kinds, load_layout
from generator.pdf.fill import fill_pdf
from generator.pdf.names import IDENTITY_FIELD, field_name, option_field_name
from generator.returns.parse import parse_return
from tests.conftest import ROOT
from tests.pdf_clients import field_values
from tests.pdfua_checks import CHECKS, check_pdf, failures_by_check
from tests.test_pdf_forms import example_of

FORMS = sorted(layout_kinds())
_REQUIRED = 2
_SMALLEST = 9.0
_CONTRAST = 4.5


def _blank(kind: str) -> Path:
    return ROOT / "forms" / f"{kind}.pdf"


def _values(kind: str) -> dict[str, str | bool]:
    record = yaml.safe_load(example_of(kind).read_text(encoding="utf-8"))
    return field_values(load_layout(kind), record)


def _report(failures) -> str:
    return "\n".join(str(failure) for failure in failures)


@pytest.mark.parametrize("kind", FORMS)
def test_every_blank_form_passes_every_check(kind: str) -> None:
    failures = check_pdf(_blank(kind))
    assert not failures, _report(failures)


def _fdf(values: dict[str, str | bool]) -> bytes:
    """An FDF file of ``values``: text as UTF-16 with a byte-order mark, boxes as /Yes or /Off."""
    entries = []
    for name, value in values.items():
        shown = ("/Yes" if value else "/Off") if isinstance(value, bool) else f"<FEFF{value.encode('utf-16-be').hex()}>"
        entries.append(f"<< /T <FEFF{name.encode('utf-16-be').hex()}> /V {shown} >>")
    body = "\n".join(entries)
    return (
        f"%FDF-1.2\n1 0 obj << /FDF << /Fields [\n{body}\n] >> >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".encode()
    )


def _fill_pdftk_fdf(blank: Path, values: dict[str, str | bool], out: Path) -> None:
    data = out.with_suffix(".fdf")
    data.write_bytes(_fdf(values))
    subprocess.run(["pdftk", str(blank), "fill_form", str(data), "output", str(out)], check=True, capture_output=True)


def _fill_ours(blank: Path, values: dict[str, str | bool], out: Path) -> None:
    out.write_bytes(fill_pdf(blank.read_bytes(), values))


@pytest.mark.parametrize("filler", [_fill_pdftk_fdf, _fill_ours], ids=["pdftk", "ours"])
@pytest.mark.parametrize("kind", FORMS)
def test_filling_keeps_the_form_tagged_and_readable(kind: str, filler: Callable, tmp_path: Path, today) -> None:
    filled = tmp_path / "filled.pdf"
    values = _values(kind)
    filler(_blank(kind), values, filled)
    failures = check_pdf(filled)
    assert not failures, _report(failures)
    with pikepdf.open(filled) as pdf:  # the values really went in: this is not the blank form again
        stored = {str(f.T): f.get("/V") for f in pdf.Root.AcroForm.Fields}
        assert all(stored[name] is not None for name, value in values.items() if isinstance(value, str))
    envelope = parse_return(filled, today=today)
    assert envelope.status == "valid", [str(e) for e in envelope.errors]
    assert not envelope.flags  # the structure tree, /Lang and the rest are nothing the reader flags


def test_the_checker_fails_the_untagged_released_form() -> None:
    frozen = ROOT / "forms" / "versions" / FORMS[0]
    old = next(frozen.glob(f"*/{FORMS[0]}.pdf"))
    found = failures_by_check(check_pdf(old))
    for check in ("01-005", "06-002", "07-001", "UA-7.1-tree", "UA-7.1-marked", "28-008", "28-010", "11-001"):
        assert check in found, f"{check} not reported for {old.name}: {sorted(found)}"
    assert any("outside any MCID or Artifact" in message for message in found["01-005"])


# --- copies broken on purpose: each must be caught by its own check ------------------------------------


def _elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, in document (reading) order."""

    def visit(node: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
        for kid in node if isinstance(node, pikepdf.Array) else [node]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.StructElem:
                yield kid
                yield from visit(kid.get("/K", pikepdf.Array()))

    yield from visit(pdf.Root.StructTreeRoot.K)


def _first(pdf: pikepdf.Pdf, role: str) -> pikepdf.Dictionary:
    return next(e for e in _elements(pdf) if str(e.S) == "/" + role)


def _widget(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(w for w in pdf.pages[0].Annots if str(w.get("/T")) != IDENTITY_FIELD)


def _content_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return next(iter(pdf.pages[0].Resources.Font.values()))


def _draw(pdf: pikepdf.Pdf, content: bytes) -> None:
    pdf.pages[0].contents_add(pdf.make_stream(content), prepend=False)


def _untagged_text(pdf: pikepdf.Pdf) -> None:
    name = next(iter(pdf.pages[0].Resources.Font.keys()))
    _draw(pdf, f"BT {name} 9 Tf 10 10 Td (stray) Tj ET".encode())


def _set_xmp(pdf: pikepdf.Pdf, key: str) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        del xmp[key]


def _text_annotation(pdf: pikepdf.Pdf, subtype: str) -> None:
    note = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name(subtype), Rect=[0, 0, 9, 9])
    )
    pdf.pages[0].Annots.append(note)


def _swap_parent_tree(pdf: pikepdf.Pdf) -> None:
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    entry = tree[int(pdf.pages[0].StructParents)]
    entry[0], entry[1] = entry[1], entry[0]


def _role_map(pdf: pikepdf.Pdf, **mapping: str) -> None:
    pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({"/" + k: pikepdf.Name("/" + v) for k, v in mapping.items()})


def _rename(role: str, to: str) -> Callable[[pikepdf.Pdf], None]:
    def rename(pdf: pikepdf.Pdf) -> None:
        _first(pdf, role).S = pikepdf.Name("/" + to)

    return rename


BREAKS: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "untagged text": (_untagged_text, "01-005"),
    "artifact inside tagged content": (lambda pdf: _draw(pdf, b"/P <</MCID 0>> BDC /Artifact BMC EMC EMC"), "01-003"),
    "tagged content inside an artifact": (
        lambda pdf: _draw(pdf, b"/Artifact BMC /P <</MCID 0>> BDC EMC EMC"),
        "01-004",
    ),
    "suspects": (lambda pdf: pdf.Root.MarkInfo.__setitem__("/Suspects", True), "01-007"),
    "not marked": (lambda pdf: pdf.Root.__delitem__("/MarkInfo"), "UA-7.1-marked"),
    "no structure tree": (lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"), "UA-7.1-tree"),
    "unmapped type": (_rename("P", "Para"), "02-001"),
    "circular role map": (
        lambda pdf: (_rename("P", "Para")(pdf), _role_map(pdf, Para="Note2", Note2="Para")),
        "02-002",
    ),
    "standard type remapped": (lambda pdf: _role_map(pdf, P="Span"), "02-003"),
    "no XMP": (lambda pdf: pdf.Root.__delitem__("/Metadata"), "06-001"),
    "no pdfuaid": (lambda pdf: _set_xmp(pdf, "pdfuaid:part"), "06-002"),
    "no dc:title": (lambda pdf: _set_xmp(pdf, "dc:title"), "06-003"),
    "no DisplayDocTitle": (lambda pdf: pdf.Root.__delitem__("/ViewerPreferences"), "07-001"),
    "DisplayDocTitle false": (lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False), "07-002"),
    "row outside a table": (_rename("TR", "Div"), "09-004"),
    "list item outside a list": (_rename("P", "LI"), "09-005"),
    "no ToUnicode": (lambda pdf: _content_font(pdf).__delitem__("/ToUnicode"), "10-001"),
    "no language": (lambda pdf: pdf.Root.__delitem__("/Lang"), "11-001"),
    "a language that is not a tag": (lambda pdf: pdf.Root.__setitem__("/Lang", pikepdf.String("English!")), "11-001"),
    "field tooltips without a language": (lambda pdf: pdf.Root.__delitem__("/Lang"), "11-005"),
    "figure without Alt": (_rename("P", "Figure"), "13-004"),
    "first heading not H1": (_rename("H1", "H2"), "14-002"),
    "heading level skipped": (_rename("H2", "H3"), "14-003"),
    "two H in one element": (lambda pdf: (_rename("P", "H")(pdf), _rename("P", "H")(pdf)), "14-006"),
    "H and H1 together": (_rename("H2", "H"), "14-007"),
    "column header without scope": (lambda pdf: _first(pdf, "TH").__delitem__("/A"), "15-003"),
    "dynamic XFA": (lambda pdf: pdf.Root.AcroForm.__setitem__("/NeedsRendering", True), "25-001"),
    "untagged note": (lambda pdf: _text_annotation(pdf, "/Text"), "28-002"),
    "note without contents": (lambda pdf: _text_annotation(pdf, "/Text"), "28-004"),
    "field without TU": (lambda pdf: _widget(pdf).__delitem__("/TU"), "28-005"),
    "trap network": (lambda pdf: _text_annotation(pdf, "/TrapNet"), "28-007"),
    "no Tabs": (lambda pdf: pdf.pages[0].obj.__delitem__("/Tabs"), "28-008"),
    "Tabs by rows": (lambda pdf: pdf.pages[0].obj.__setitem__("/Tabs", pikepdf.Name.R), "28-009"),
    "widget outside the structure": (lambda pdf: _widget(pdf).__delitem__("/StructParent"), "28-010"),
    "untagged link": (lambda pdf: _text_annotation(pdf, "/Link"), "28-011"),
    "font not embedded": (lambda pdf: _content_font(pdf).FontDescriptor.__delitem__("/FontFile2"), "31-006"),
    "symbolic font with an encoding": (
        lambda pdf: _content_font(pdf).__setitem__("/Encoding", pikepdf.Name.WinAnsiEncoding),
        "UA-7.21.6",
    ),
    "parent tree mixed up": (_swap_parent_tree, "UA-7.1-parent-tree"),
    "parent tree key clash": (
        lambda pdf: pdf.Root.StructTreeRoot.__setitem__("/ParentTreeNextKey", 0),
        "UA-7.1-parent-tree",
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_break_is_caught_by_its_check(name: str) -> None:
    breaking, check = BREAKS[name]
    with pikepdf.open(_blank(FORMS[0])) as pdf:
        breaking(pdf)
        out = io.BytesIO()
        pdf.save(out)
    found = failures_by_check(check_pdf(out.getvalue()))
    assert check in found, f"{name}: expected {check}, got {found}"
    assert all(message for messages in found.values() for message in messages)


def test_every_check_has_a_break_or_is_one_a_form_cannot_meet() -> None:
    broken = {check for _, check in BREAKS.values()}
    not_met_by_forms = {"20-001", "20-003", "21-001", "26-001", "30-001", "30-002", "31-030", "11-002", "11-004"}
    not_met_by_forms |= {"11-006", "UA-7.21.3.1"}
    assert set(CHECKS) == broken | not_met_by_forms, set(CHECKS) ^ (broken | not_met_by_forms)


# --- what the tags must say ----------------------------------------------------------------------------


def _expected_fields(layout: FormLayout) -> dict[str, tuple[bool, str | None]]:
    """Field name -> (Required flag, what its /TU must end with or contain), from the layout alone."""
    expected: dict[str, tuple[bool, str | None]] = {}
    for question in layout.questions():
        if question.columns:
            must = int(question.field.schema.get("minItems") or 0) if question.required else 0
            for row in range(question.rows):
                for column in question.columns:
                    name = field_name(column.pointer.replace("/*/", f"/{row}/"))
                    box = column.widget == "checkbox"
                    if not column.required:
                        expected[name] = (False, None)
                    elif row < must:
                        expected[name] = (not box, "(required)")
                    else:
                        expected[name] = (False, "(required if this row is used)")
        elif question.widget == "checkboxes":
            for index in range(len(question.options)):
                expected[option_field_name(question.pointer, index)] = (
                    False,
                    "(required)" if question.required else None,
                )
        else:
            flag = question.required and question.widget != "checkbox"
            expected[field_name(question.pointer)] = (flag, "(required)" if question.required else None)
    return expected


@pytest.mark.parametrize("kind", FORMS)
def test_required_fields_are_flagged_and_say_so(kind: str) -> None:
    expected = _expected_fields(load_layout(kind))
    with pikepdf.open(_blank(kind)) as pdf:
        fields = {str(f.T): f for f in pdf.Root.AcroForm.Fields if str(f.T) != IDENTITY_FIELD}
        assert set(fields) == set(expected)
        assert any(flag for flag, _ in expected.values())
        for name, (flag, words) in expected.items():
            field = fields[name]
            assert bool(int(field.get("/Ff", 0)) & _REQUIRED) == flag, name
            tooltip = str(field.TU)
            assert ("required" in tooltip) == (words is not None), (name, tooltip)
            assert words is None or words in tooltip, (name, tooltip)


@pytest.mark.parametrize("kind", FORMS)
def test_structure_reads_the_fields_in_form_order(kind: str) -> None:
    """Tab order follows the structure (/Tabs /S), so the structure must hold the widgets in form order."""
    with pikepdf.open(_blank(kind)) as pdf:
        in_structure = [
            str(kid.Obj.T)
            for element in _elements(pdf)
            if str(element.S) == "/Form"
            for kid in element.K
            if kid.get("/Type") == pikepdf.Name.OBJR
        ]
        in_form = [str(f.T) for f in pdf.Root.AcroForm.Fields if str(f.T) != IDENTITY_FIELD]
        assert in_structure == in_form
        roles = [str(e.S)[1:] for e in _elements(pdf)]
        assert roles[0] == "Document" and roles.count("H1") == 1
        assert roles.count("H2") == len(load_layout(kind).sections)
        assert pdf.Root.Lang == "en-GB"


def _luminance(grey: float) -> float:
    return grey / 12.92 if grey <= 0.04045 else ((grey + 0.055) / 1.055) ** 2.4


def contrast_on_white(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of an sRGB colour on white."""
    lum = 0.2126 * _luminance(rgb[0]) + 0.7152 * _luminance(rgb[1]) + 0.0722 * _luminance(rgb[2])
    return 1.05 / (lum + 0.05)


def _shown_text(pdf: pikepdf.Pdf) -> Iterator[tuple[int, float, tuple[float, float, float]]]:
    """(page, font size, fill colour) of every text-showing operator of the pages' content."""
    for number, page in enumerate(pdf.pages, 1):
        size, colour = 0.0, (0.0, 0.0, 0.0)
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                size = float(operands[1])
            elif op == "g":
                colour = (float(operands[0]),) * 3
            elif op == "rg":
                colour = tuple(float(v) for v in operands)
            elif op in ("k", "sc", "scn", "cs"):
                raise AssertionError(f"page {number}: colour operator {op} this test does not know")
            elif op in ("Tm", "cm") and [float(v) for v in operands[:4]] != [1, 0, 0, 1]:
                raise AssertionError(f"page {number}: scaled text ({op}), so Tf is not the size shown")
            elif op in ("Tj", "TJ", "'", '"'):
                yield number, size, colour


@pytest.mark.parametrize("kind", FORMS)
def test_text_is_at_least_9_pt_and_has_4_5_to_1_contrast(kind: str) -> None:
    with pikepdf.open(_blank(kind)) as pdf:
        shown = list(_shown_text(pdf))
        assert shown
        for page, size, colour in shown:
            assert size >= _SMALLEST, f"page {page}: {size} pt text"
            assert contrast_on_white(colour) >= _CONTRAST, f"page {page}: colour {colour}"
        for field in pdf.Root.AcroForm.Fields:  # what a bidder types is drawn black, at 9 pt
            parts = str(field.DA).split()
            assert float(parts[parts.index("Tf") - 1]) >= _SMALLEST or str(field.FT) == "/Btn"
            assert parts[-2:] == ["0", "g"]


def test_contrast_ratios_of_the_greys_used() -> None:
    """The ratios reported in the builder's docstring, worked out (white is 21:1 from black)."""
    assert round(contrast_on_white((0, 0, 0)), 1) == 21.0
    assert round(contrast_on_white((0.25,) * 3), 1) == 10.4
    assert round(contrast_on_white((0.35,) * 3), 1) == 7.0
    assert round(contrast_on_white((0.4,) * 3), 1) == 5.7
    assert contrast_on_white((0.45,) * 3) >= 4.5  # the box outlines (3:1 would do for a boundary)


# --- an independent second opinion -------------------------------------------------------------------


def test_pdfua_package_finds_nothing_in_our_forms_and_fails_the_untagged_one() -> None:
    """pdfua (pikepdf-based, 16 of veraPDF's 106 rules) agrees with our checker, where it has a rule."""
    import pdfua  # in the test extras: installed wherever the tests run

    for kind in FORMS:
        report = pdfua.validate(str(_blank(kind)))
        assert report.exit_code == 0 and not report.findings, (kind, report.findings)
        # 0.1.3's heading rule raises on a heading whose /K is an array of MCIDs, valid per ISO 32000-1
        # 14.7.2; it says so and skips the rule, which our own 14-00x checks cover.
        assert {outcome.rule_id for outcome in report.skipped} <= {"UA-14-001"}
    frozen = next((ROOT / "forms" / "versions" / FORMS[0]).glob(f"*/{FORMS[0]}.pdf"))
    old = pdfua.validate(str(frozen))
    assert {"UA-01-005", "UA-01-002", "UA-06-001"} <= {finding.rule_id for finding in old.findings}
