"""The only package that knows AcroForm: build fillable PDFs and read returned ones."""
