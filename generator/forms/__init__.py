"""The form model and the blank forms built from it.

``layout.py`` is the model: a kind's layout (``forms/<kind>.yaml``) joined to its
schema, giving sections, numbered questions, widgets and table rows. ``ooxml/``
and ``pdf/`` draw from it, so it imports only ``records``. ``build.py`` runs each
format's builder over every layout; it is the one module here that uses
``ooxml/`` and ``pdf/``. Nothing in this package knows WordprocessingML or
AcroForm.
"""
