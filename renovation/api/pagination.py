"""Page-number pagination with the total count in the body and RFC 8288 `Link` headers
(rel="first", "prev", "next", "last") so clients can follow pages without parsing the body.

Lists are always ordered on a unique key last (views append `id`), so a page never repeats or
skips a row between requests. CSV downloads are not paginated: an export is the whole filtered
list, which is what the ledger (台账) needs.
"""

from __future__ import annotations

import re
from collections import OrderedDict

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


class LinkHeaderPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    page_size_query_description = _("Number of results per page.")
    page_query_description = _("Page number (from 1).")

    @property
    def page_size(self) -> int:  # type: ignore[override]
        return settings.RENOVATION_API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.RENOVATION_API_MAX_PAGE_SIZE

    def _check_parameters(self, request) -> None:
        """`page` and `page_size`, when given, are whole numbers from 1 (or `page=last`): DRF
        would quietly use its default for `page_size=abc` or an empty `page`, and the schema
        says integer."""
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            if name not in request.query_params:
                continue
            value = request.query_params[name]
            if name == self.page_query_param and value in self.last_page_strings:
                continue
            if not PAGE_NUMBER.fullmatch(value):
                errors[name] = [_("Enter a whole number from 1.")]
        if errors:
            raise ValidationError(errors)

    def paginate_queryset(self, queryset, request, view=None):
        self._check_parameters(request)
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "csv":
            return None
        return super().paginate_queryset(queryset, request, view)

    def _page_url(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_links(self) -> list[str]:
        page = self.page
        links = [f'<{self._page_url(1)}>; rel="first"']
        if page.has_previous():
            links.append(f'<{self._page_url(page.previous_page_number())}>; rel="prev"')
        if page.has_next():
            links.append(f'<{self._page_url(page.next_page_number())}>; rel="next"')
        links.append(f'<{self._page_url(page.paginator.num_pages)}>; rel="last"')
        return links

    def get_paginated_response(self, data) -> Response:
        response = Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )
        response["Link"] = ", ".join(self.get_links())
        response["X-Total-Count"] = str(self.page.paginator.count)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["count", "next", "previous", "results"]
        return result
