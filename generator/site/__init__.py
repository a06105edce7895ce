"""The guidance site: pages generated from the schemas, layouts, criteria and checklists.

``generate_pages`` writes the generated parts of ``site/`` (checklists, form
guides, downloads and the tables the guidance notes include); ``build_site``
does that and then runs ``mkdocs build --strict``.
"""

from __future__ import annotations

from .build import DEFAULT_OUT, BuildResult, build_site, find_source, generate_pages

__all__ = ["DEFAULT_OUT", "BuildResult", "build_site", "find_source", "generate_pages"]
