"""Public-sector commissioning paperwork: schemas in, forms, data and documents out."""

__version__ = "0.1.0"
