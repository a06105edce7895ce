"""The form model and the blank forms built from it.

``layout.py`` is the model: a kind's layout (``forms/<kind>.yaml``) joined to its
schema, giving sections, numbered questions, widgets and table rows; ``cover.py``
is what the project's ``commission.yaml`` puts on every form's first page (the
partnership, where and by when to send it, colours, logo). ``ooxml/`` and
``pdf/`` draw from both, so they import only ``records``. ``build.py`` runs each
format's builder over every layout; it is the one module here that uses
``ooxml/`` and ``pdf/``. Nothing in this package knows WordprocessingML or
AcroForm.
"""
