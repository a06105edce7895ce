"""The guidance site: pages generated from the schemas, layouts, criteria and checklists.

``build.generate_pages`` writes the generated parts of ``site/`` (checklists,
form guides, downloads and the tables the guidance notes include);
``build.build_site`` does that and then runs ``mkdocs build --strict``. The
checklists, procurement and risk tables it shows are read from ``data/`` here.
The top room: nothing but the command line imports it.
"""
