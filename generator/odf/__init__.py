"""The only package that knows OpenDocument Text: content.xml, meta.xml, the manifest, LibreOffice's controls.

LibreOffice can save our Word forms as ``.odt``; ``reader.read_odt`` reads such
a return into the same :class:`generator.returns.extraction.Extraction` as the
DOCX reader, so coercion and validation stay shared. Zip and XML safety is
``generator.ooxml.safety`` (one hardened parser); matching answers to
questions is ``generator.forms.matching``.
"""
