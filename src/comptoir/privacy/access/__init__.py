"""Everything held about a person, for them: the access export (GDPR art. 15).

``access_export`` is the one entry point: given the organisation's data
subjects that are one person (a contact person and an individual party with
the same address are two rows, one human), it gathers every row holding data
about them from the registry (never from a hand-kept list of models), reads
its declared personal fields, and returns a ZIP. Journalled as an export.
"""

from comptoir.privacy.access.export import AccessExport, access_export
from comptoir.privacy.access.portability import portability_export, portability_schema

__all__ = ["AccessExport", "access_export", "portability_export", "portability_schema"]
