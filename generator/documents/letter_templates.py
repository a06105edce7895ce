"""The letters' Word templates: the chase letter (and the parts any letter shares), built with python-docx.

A letter is a document like the others (:mod:`.template_builder` makes the
page, the footer and the document properties, and lists this builder), so it
is restyled in Word the same way: through named styles only, each docxtpl tag
alone in its run, paragraph tags on paragraphs of their own. The shared parts
(date and address block, greeting, where to send, sign-off) are functions
here, so a later letter (the outcome of a round) reads the same.

What the letter's tags may name is the ``chase-letter`` schema
(``schemas/chase-letter.schema.json``); ``commission templates check`` checks
an edited template against it.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.text.paragraph import Paragraph

__all__ = ["CHASE_LETTER", "address_block", "chase_letter", "contact_and_sign_off", "line", "tag"]

#: The template's name (``templates/chase-letter.docx``) and the schema its names come from.
CHASE_LETTER = "chase-letter"


def line(doc: DocumentObject, *pieces: str, style: str | None = None) -> Paragraph:
    """One paragraph of plain text and tags, each piece in a run of its own."""
    paragraph = doc.add_paragraph(style=style)
    for piece in pieces:
        paragraph.add_run(piece)
    return paragraph


def tag(doc: DocumentObject, text: str) -> Paragraph:
    """A paragraph holding one ``{%p ... %}`` tag; docxtpl removes the paragraph itself."""
    return doc.add_paragraph(text)


def _optional_line(doc: DocumentObject, expression: str) -> None:
    tag(doc, f"{{%p if {expression} %}}")
    line(doc, f"{{{{ {expression} }}}}")
    tag(doc, "{%p endif %}")


def address_block(doc: DocumentObject) -> None:
    """The date, then whom the letter is to: each line only when it is known."""
    line(doc, "{{ letter_date|long_date }}")
    _optional_line(doc, "bidder.contact_name")
    _optional_line(doc, "bidder.organisation")
    _optional_line(doc, "bidder.email")
    line(doc, "Dear ", "{{ bidder.contact_name or 'applicant' }}", ",")


def contact_and_sign_off(doc: DocumentObject) -> None:
    """Whom to ask, and the partnership's sign-off."""
    line(
        doc,
        "If you have any questions, please contact ",
        "{{ partnership.contact_name or partnership.name }}",
        "{% if partnership.contact_email %} at {% endif %}",
        "{{ partnership.contact_email or '' }}",
        "{% if partnership.contact_phone %} or on {% endif %}",
        "{{ partnership.contact_phone or '' }}",
        ".",
    )
    line(doc, "Yours sincerely,")
    line(doc, "{{ partnership.contact_name or partnership.name }}")
    tag(doc, "{%p if partnership.contact_name %}")
    line(doc, "{{ partnership.name }}")
    tag(doc, "{%p endif %}")


def _where_to_send(doc: DocumentObject) -> None:
    doc.add_heading("When and where to send it", 1)
    line(
        doc,
        "{% if closing_date %}Please send it to us by {% else %}Please send it to us as soon as you can{% endif %}",
        "{{ closing_date|long_date if closing_date else '' }}",
        "{% if closing_date %}, the closing date{% endif %}",
        "{% if partnership.returns_email %}, by email to {% endif %}",
        "{{ partnership.returns_email or '' }}",
        ".",
    )
    tag(doc, "{%p if partnership.returns_address %}")
    line(doc, "You may also post it to: ", "{{ partnership.returns_address }}")
    tag(doc, "{%p endif %}")


def chase_letter(doc: DocumentObject) -> DocumentObject:
    """To a bidder whose return needs action: each problem with its question number, or what to send instead."""
    address_block(doc)
    tag(doc, "{%p if unreadable %}")
    doc.add_heading("What to send us instead", 1)
    line(
        doc,
        "We received a file called ",
        "{{ file }}",
        " on ",
        "{{ received|long_date }}",
        ", but we could not read it: ",
        "{{ reason or 'it is not a copy of our form' }}",
        ".",
    )
    line(
        doc,
        "Please download a fresh copy of the ",
        "{{ form.title }}",
        "{% if form.downloads %} (",
        "{{ form.downloads|join(' or ') }}",
        "){% endif %}",
        ", fill it in and send us the saved file as it is, as a Word document (.docx) or a PDF. "
        "Please do not print and scan it or convert it: we read the answers straight from the boxes.",
    )
    tag(doc, "{%p else %}")
    doc.add_heading("What to put right", 1)
    line(
        doc,
        "Thank you for your ",
        "{{ form.title }}",
        ", which we received as ",
        "{{ file }}",
        " on ",
        "{{ received|long_date }}",
        ". We cannot consider it until ",
        "{{ 'this is' if problems|length == 1 else 'these are' }}",
        " put right:",
    ).paragraph_format.keep_with_next = True
    tag(doc, "{%p for problem in problems %}")
    line(doc, "{{ problem.text }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    line(
        doc,
        "Please correct the form you sent and send us the whole form again: your new copy replaces the one we have.",
    )
    tag(doc, "{%p endif %}")
    _where_to_send(doc)
    contact_and_sign_off(doc)
    return doc
