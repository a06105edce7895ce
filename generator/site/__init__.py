"""The guidance site: the project's own notes with pages generated from its schemas, layouts, criteria and checklists.

``assemble`` copies the project's ``site/`` into a work folder and writes the
mkdocs config there (name, colours, logo, contact and nav from the project);
``build.generate_pages`` writes the generated parts (checklists, form guides,
downloads and the tables the notes include, only those the data can fill);
``build.build_site`` does both and then runs ``mkdocs build --strict``. The
checklists, procurement and risk tables it shows are read from ``data/`` here.
The top room: nothing but the command line imports it.
"""
