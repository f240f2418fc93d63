"""Cursor pagination: stable under inserts and constant cost at any depth (no OFFSET, no COUNT)."""

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 200


class _Cursor(CursorPagination):
    page_size = None  # API_PAGE_SIZE, read per request so tests and deployments can change it
    page_size_query_param = "limit"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        """``limit`` as the schema states it: a whole number from 1 to 200. DRF falls back to the default on
        anything else (``?limit=null``); a client that sent a limit is told it was wrong instead."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw and (len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request) or settings.API_PAGE_SIZE

    def decode_cursor(self, request):
        """``cursor`` as the schema states it: once and never empty (DRF reads ``?cursor=`` as the first page)."""
        raw = request.query_params.getlist(self.cursor_query_param)
        if len(raw) > 1 or raw == [""]:
            raise ValidationError({self.cursor_query_param: ["Give the cursor of a page you were sent, once."]})
        return super().decode_cursor(request)


class CreatedCursorPagination(_Cursor):
    ordering = ("-created_at", "-id")


class IdCursorPagination(_Cursor):
    ordering = ("-id",)
