"""The data contract every other room builds on.

Here: the schemas and their offline registry (``$ref``\\ s written out once),
validation with plain-English messages, the business rules (in Python, and
those a layout's ``rules:`` says as data, which ``data_rules`` reads from the
layout file itself), the criteria and the weighted score they give, coercion
of typed answers, money, safe loading of JSON and YAML with bounded reads, the
errors and issues the toolkit reports, and where the data folders are.

It must not know forms, file formats, rounds, documents or the site: nothing
here imports anything of ours from outside ``records``.
"""
