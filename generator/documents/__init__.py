"""Finished Word documents filled from docxtpl templates.

Here: the sandboxed template engine, the context derived from a record (criteria
titles, counts, weighted score), how values are shown ("£12,500.00", "1 April
2027"), rendering with validation first, the templates check and the builder of
the shipped templates.

It uses ``records`` only: it must not know forms, returns, batches or rounds.
"""
