"""The only package that knows WordprocessingML: content controls, tables, parts.

Callers hand in a :class:`generator.forms.layout.FormLayout` and get bytes or raw
answers keyed by JSON Pointer back; nothing outside this package sees XML.
"""
