"""One returned file in, one envelope out.

``extraction.py`` is the contract with the format readers (``ooxml.reader``,
``pdf.reader``): the raw answers a reader found, or its refusal. It imports no
reader, so the readers use it without an import loop. ``parse.py`` picks the
reader by the file's leading bytes, reads the answers through the layout,
builds the typed record and validates it.

It must not know batches, rounds, documents or the site. This file stays empty
of imports so that importing ``extraction`` never loads the dispatcher.
"""
