"""Everything held about a person, for them: the access export (GDPR art. 15)
and portability (art. 20).

``access_export`` gathers, from the declarations (``collect``: never a
hand-kept list of models), every row about the organisation's data subjects
that are one person (a contact person and an individual party with the same
address are two rows, one human), including the invoices that name them with
their lines and issued documents, and optionally the member account found by
user id; it returns a ZIP with one JSON and one CSV per kind of data, with
readable column names and decrypted values, and a summary (``summary``) of
purposes, legal bases, recipients, retention, source, rights and the
authority to complain to. ``portability_export`` returns the fields processed
on consent or contract as JSON following the published JSON Schema
(``portability_schema``, served at ``/privacy/portability.schema.json``), with
a CSV per kind. Both are journalled as one export event per person.
"""

from comptoir.privacy.access.export import AccessExport, access_export
from comptoir.privacy.access.portability import portability_export, portability_schema
from comptoir.privacy.access.summary import recipient_categories

__all__ = [
    "AccessExport",
    "access_export",
    "portability_export",
    "portability_schema",
    "recipient_categories",
]
