"""The parties API: parties, contact persons and interactions (the sales pipeline's
is ``comptoir.sales.api.pipeline``).

Thin: each operation checks the caller's permission, turns ids of the body
into objects of the caller's organisation (an unknown id is a 422 on its
field, never another organisation's object), calls one service or selector,
and journals its read (one audit event per GET of one object, one per list).

Personal data never travels in a URL: the exact search by email, phone or
identifier is a POST with a JSON body (a read all the same, open to read
tokens). Company names are not personal; their prefix search is a GET.
"""

from comptoir.parties.api import people_search  # noqa: F401 (registers its routes)
from comptoir.parties.api.parties import contact_persons_router, parties_router

__all__ = ["contact_persons_router", "parties_router"]
