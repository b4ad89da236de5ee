"""The one pagination of the API: ``?limit=&offset=``, both bounded and declared.

``limit`` is 1 to ``MAX_LIMIT`` (``DEFAULT_LIMIT`` when absent), ``offset`` 0 to
``MAX_OFFSET``; anything else is a 422 naming the parameter and its bound, and the
OpenAPI document carries the bounds (``minimum``/``maximum``) for clients to read.
Every list of the API uses it: ``@paginate(Pagination)`` (it is also ninja's
default, ``NINJA_PAGINATION_CLASS``). It writes the list's audit event once the
page is cut, naming the data subjects of the rows it holds.
"""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from comptoir.audit.reads import record_list_shown

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

    def paginate_queryset(self, queryset, pagination, request, **params):
        """The page, and the LIST event naming the data subjects of its rows
        when the view announced one (``audit.reads.record_list_page``)."""
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        page[self.items_attribute] = items
        record_list_shown(request, items)
        return page
