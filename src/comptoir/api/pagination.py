"""The one pagination of the API: ``?limit=&offset=``, both bounded and declared.

``limit`` is 1 to ``MAX_LIMIT`` (``DEFAULT_LIMIT`` when absent), ``offset`` 0 to
``MAX_OFFSET``; anything else is a 422 naming the parameter and its bound, and the
OpenAPI document carries the bounds (``minimum``/``maximum``) for clients to read.
Every list of the API uses it: ``@paginate(Pagination)`` (it is also ninja's
default, ``NINJA_PAGINATION_CLASS``).
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 100
MAX_LIMIT = 200
# Far beyond any list of one organisation, far below what a database takes.
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
