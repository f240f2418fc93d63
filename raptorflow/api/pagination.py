"""Cursor pagination: stable under inserts and constant cost at any depth (no OFFSET, no COUNT)."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class _Cursor(CursorPagination):
    page_size = None  # API_PAGE_SIZE, read per request so tests and deployments can change it
    page_size_query_param = "limit"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        return super().get_page_size(request) or settings.API_PAGE_SIZE


class CreatedCursorPagination(_Cursor):
    ordering = ("-created_at", "-id")


class IdCursorPagination(_Cursor):
    ordering = ("-id",)
