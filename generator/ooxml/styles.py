"""Make a python-docx package accessible in its styles part: British English, readable colours, headings kept.

python-docx's default template declares US English and colours below WCAG 2.2 AA
(Heading 2 and Subtitle #4F81BD are 4.03:1 on white, Word's placeholder grey
#808080 is 3.95:1). The fix is made in the style definitions, so a document
restyled in Word or LibreOffice keeps it, and in one place for the blank forms
and the finished-document templates: :func:`accessible_package` rewrites the
styles parts (``styles.xml`` and Word 2010's ``stylesWithEffects.xml``) and
``settings.xml`` of a saved ``.docx``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from lxml import etree

from ..records.contrast import MINIMUM, contrast, rgb
from .namespaces import qn

__all__ = [
    "HELP_STYLE",
    "LANGUAGE",
    "MINIMUM_CONTRAST",
    "PLACEHOLDER_COLOUR",
    "PLACEHOLDER_STYLE",
    "accessible_colour",
    "accessible_package",
    "contrast_on_white",
]

#: The language every document declares (its styles' default and the theme fonts').
LANGUAGE = "en-GB"
#: WCAG 2.2 AA for normal-size text (1.4.3): every text colour we use meets it on white.
MINIMUM_CONTRAST = MINIMUM
#: Word's own character style for the prompt in an empty answer box.
PLACEHOLDER_STYLE = "PlaceholderText"
#: The lightest grey that meets AA on white (4.54:1): as distinct from typed text as AA allows.
PLACEHOLDER_COLOUR = "767676"
#: The paragraph style of a question's help text (made by the form writer; named here for the tests and readers).
HELP_STYLE = "Help Text"

_STYLE_PARTS = ("word/styles.xml", "word/stylesWithEffects.xml")
_SETTINGS = "word/settings.xml"
#: Parts whose tables may name a table style.
_CONTENT = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_THEME_ATTRIBUTES = ("w:themeColor", "w:themeShade", "w:themeTint")
#: Paragraph styles a reader must never find alone at the foot of a page.
_KEPT_WITH_NEXT = re.compile(r"^(title|subtitle|heading \d)$")


def contrast_on_white(colour: str) -> float:
    """The WCAG contrast ratio of an ``RRGGBB`` colour on white (``auto`` is black)."""
    return contrast("000000" if colour.lower() == "auto" else colour)


def accessible_colour(colour: str, minimum: float = MINIMUM_CONTRAST) -> str:
    """The colour itself if it meets ``minimum`` on white, else the same hue darkened just enough."""
    if colour.lower() == "auto" or contrast_on_white(colour) >= minimum:
        return colour.upper()
    red, green, blue = rgb(colour)
    for step in range(1000, -1, -1):  # the same hue, each channel scaled down by a thousandth at a time
        factor = step / 1000
        darker = "".join(f"{round(c * factor):02X}" for c in (red, green, blue))
        if contrast(darker) >= minimum:
            return darker
    return "000000"


def _child(parent: etree._Element, name: str, *, first: bool = False) -> etree._Element:
    found = parent.find(qn(name))
    if found is None:
        found = etree.Element(qn(name))
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def _language(styles: etree._Element) -> None:
    defaults = _child(styles, "w:docDefaults", first=True)
    run = _child(_child(defaults, "w:rPrDefault", first=True), "w:rPr")
    lang = _child(run, "w:lang")
    for attribute, value in (("w:val", LANGUAGE), ("w:eastAsia", LANGUAGE), ("w:bidi", "ar-SA")):
        lang.set(qn(attribute), value)


def _readable(colour: etree._Element) -> None:
    """A colour Word and LibreOffice both show as written: theme references dropped, then darkened if need be."""
    for attribute in _THEME_ATTRIBUTES:
        colour.attrib.pop(qn(attribute), None)
    value = colour.get(qn("w:val"), "auto")
    colour.set(qn("w:val"), accessible_colour(value))


def _keep_with_next(style: etree._Element) -> None:
    props = style.find(qn("w:pPr"))
    if props is None:
        props = etree.Element(qn("w:pPr"))
        before = style.find(qn("w:rPr"))
        if before is not None:
            before.addprevious(props)
        else:
            style.append(props)
    if props.find(qn("w:keepNext")) is None:
        props.insert(0, etree.Element(qn("w:keepNext")))


def _placeholder_style(styles: etree._Element) -> None:
    """Word's Placeholder Text character style, in an AA grey; made if the template lacks it."""
    style = next((s for s in styles.iter(qn("w:style")) if s.get(qn("w:styleId")) == PLACEHOLDER_STYLE), None)
    if style is None:
        style = etree.SubElement(styles, qn("w:style"))
        style.set(qn("w:type"), "character")
        style.set(qn("w:styleId"), PLACEHOLDER_STYLE)
        for name, value in (("w:name", "Placeholder Text"), ("w:basedOn", "DefaultParagraphFont")):
            etree.SubElement(style, qn(name)).set(qn("w:val"), value)
        etree.SubElement(style, qn("w:uiPriority")).set(qn("w:val"), "99")
        etree.SubElement(style, qn("w:semiHidden"))
    run = _child(style, "w:rPr")
    for colour in run.findall(qn("w:color")):
        run.remove(colour)
    colour = etree.Element(qn("w:color"))
    colour.set(qn("w:val"), PLACEHOLDER_COLOUR)
    before = next((c for c in run if etree.QName(c).localname in _AFTER_COLOUR), None)
    if before is not None:
        before.addprevious(colour)
    else:
        run.append(colour)


#: Run properties that come after ``w:color`` in CT_RPr.
_AFTER_COLOUR = frozenset(
    [
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)


def _styles(root: etree._Element, tables_used: frozenset[str]) -> None:
    _language(root)
    for style in list(root.iter(qn("w:style"))):
        kind, style_id = style.get(qn("w:type")), style.get(qn("w:styleId"))
        if kind == "table" and style.get(qn("w:default")) not in ("1", "true") and style_id not in tables_used:
            # Unused table styles: their white heading text is meant for dark fills no table here has.
            root.remove(style)
            continue
        for colour in style.iter(qn("w:color")):
            _readable(colour)
        name = style.find(qn("w:name"))
        if kind == "paragraph" and name is not None and _KEPT_WITH_NEXT.match(name.get(qn("w:val"), "").lower()):
            _keep_with_next(style)
    _placeholder_style(root)


def _settings(root: etree._Element) -> None:
    theme = root.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.attrib.clear()
        theme.set(qn("w:val"), LANGUAGE)


def _tables_used(parts: Mapping[str, bytes]) -> frozenset[str]:
    found = set()
    for name, data in parts.items():
        if _CONTENT.fullmatch(name):
            found.update(re.findall(rb'<w:tblStyle w:val="([^"]+)"', data))
    return frozenset(value.decode() for value in found)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def accessible_package(data: bytes) -> bytes:
    """The ``.docx`` with its styles and settings made accessible; every other part byte for byte."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    tables = _tables_used(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = parts[info.filename]
            if info.filename in _STYLE_PARTS or info.filename == _SETTINGS:
                root = etree.fromstring(body)
                _styles(root, tables) if info.filename in _STYLE_PARTS else _settings(root)
                body = _serialise(root)
            target.writestr(info, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
