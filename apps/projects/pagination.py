import binascii
import json
from base64 import b64decode, b64encode
from functools import partial

from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.query import ValuesIterable
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.utils.urls import replace_query_param

from apps.projects.prepared import values_rows


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are, where counting them would
    cost more than the page (the review queue: ReviewableCount)."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # in place of Paginator's cached COUNT(*)


class CountedPagination(PageNumberPagination):
    """PageNumberPagination over rows whose number the view knows."""

    def __init__(self, count):
        self.django_paginator_class = partial(CountedPaginator, count=count)


class CursorPagination(pagination.CursorPagination):
    """Keyset paging: page 500 costs what page 1 costs."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "id"


def encode_position(position):
    """The `cursor` parameter for a KeysetPagination position."""
    return b64encode(json.dumps(position).encode()).decode("ascii")


class KeysetPagination(CursorPagination):
    """Keyset pages over any of a view's orderings, ties broken by id.

    The view names its orderings in `orderings` (``{name: field or None}``;
    None orders by id alone; a leading "-" in the name is descending) and
    the caller picks one with ``?ordering=`` (`default_ordering` otherwise).
    DRF's CursorPagination keys on one field and counts ties with an offset,
    so a day with 5,000 documents published would be read from its start on
    every page; here the cursor holds the last row's (value, id) and each page
    starts where the index says, whatever its depth.

    A sort field may be null (undated, never submitted): those rows come last
    in either direction, in id order of that direction. The order is walked
    as two segments, rows with a value then rows without, each one index
    range, so a page costs one query, or two where it crosses between them.
    """

    ordering_param = "ordering"
    default_ordering = "id"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.page_model = queryset.model
        name = request.query_params.get(self.ordering_param) or self.default_ordering
        orderings = view.orderings
        if name not in orderings:
            raise ValidationError(
                {self.ordering_param: [f"Sort by one of: {', '.join(orderings)}."]}
            )
        self.ordering_name = name
        self.field = orderings[name]
        self.descending = name.startswith("-")
        position = self._decode(request.query_params.get(self.cursor_query_param))
        n = self.page_size
        if position is None or not position["back"]:
            rows = self._after(queryset, position, n + 1)
            self.has_more = len(rows) > n
            rows = rows[:n]
            self.page = rows
            self.next_position = self._position_of(rows[-1], back=False) if self.has_more else None
            self.previous_position = (
                self._position_of(rows[0], back=True) if position is not None and rows else None
            )
        else:
            rows = self._before(queryset, position, n + 1)
            more = len(rows) > n
            rows = rows[:n][::-1]
            self.page = rows
            self.previous_position = self._position_of(rows[0], back=True) if more else None
            self.next_position = self._position_of(rows[-1], back=False) if rows else None
        return rows

    # The order of a segment: by the field then id, both in the direction.
    def _ordered(self, queryset, with_value, reverse):
        desc = self.descending != reverse
        id_order = "-id" if desc else "id"
        if self.field is None or not with_value:
            return queryset.order_by(id_order)
        return queryset.order_by(f"-{self.field}" if desc else self.field, id_order)

    def _past(self, queryset, value, pk, reverse):
        """Rows strictly after (value, pk) in the walk's direction, within the
        segment of `value`. `key >= v AND (key > v OR id > i)`: the first
        condition is the index range, the second only trims its first rows."""
        desc = self.descending != reverse
        more, same = ("lt", "lte") if desc else ("gt", "gte")
        ids = Q(**{f"id__{more}": pk})
        if self.field is None or value is None:
            return queryset.filter(ids)
        return queryset.filter(**{f"{self.field}__{same}": value}).filter(
            Q(**{f"{self.field}__{more}": value}) | ids
        )

    def _segments(self, queryset):
        if self.field is None:
            return [(True, queryset)]
        return [
            (True, queryset.filter(**{f"{self.field}__isnull": False})),
            (False, queryset.filter(**{f"{self.field}__isnull": True})),
        ]

    def _in_values(self, position):
        """Whether the cursor is among the rows with a value (first segment)."""
        return self.field is None or position["value"] is not None

    @staticmethod
    def _rows(queryset):
        # A `.values()` page is read as the prepared queries read (values_rows:
        # the same dicts, a timestamp and a JSON object parsed for less).
        if queryset._iterable_class is ValuesIterable:
            return values_rows(queryset)
        return list(queryset)

    def _after(self, queryset, position, limit):
        rows = []
        for with_value, segment in self._segments(queryset):
            if position is not None:
                in_values = self._in_values(position)
                if with_value and not in_values:
                    continue  # the cursor is already among the nulls
                if with_value == in_values:
                    segment = self._past(segment, position["value"], position["id"], False)
            rows += self._rows(self._ordered(segment, with_value, False)[: limit - len(rows)])
            if len(rows) >= limit:
                break
        return rows

    def _before(self, queryset, position, limit):
        rows = []
        in_values = self._in_values(position)
        for with_value, segment in reversed(self._segments(queryset)):
            if not with_value and in_values:
                continue  # the nulls come after the cursor
            if with_value == in_values:
                segment = self._past(segment, position["value"], position["id"], True)
            rows += self._rows(self._ordered(segment, with_value, True)[: limit - len(rows)])
            if len(rows) >= limit:
                break
        return rows

    def _value(self, row):
        return None if self.field is None else row[self.field]

    def _position_of(self, row, back):
        value = self._value(row)
        return {
            "value": None if value is None else value.isoformat(),
            "id": row["id"],
            "back": back,
            "ordering": self.ordering_name,
        }

    def _decode(self, encoded):
        if not encoded:
            return None
        try:
            position = json.loads(b64decode(encoded.encode("ascii"), validate=True))
            pk, value, back = int(position["id"]), position["value"], bool(position["back"])
            if position["ordering"] != self.ordering_name:
                raise ValueError("the cursor is of another ordering")
            if value is not None:
                value = self._parse(value)
        except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error) as exc:
            raise NotFound(self.invalid_cursor_message) from exc
        return {"value": value, "id": pk, "back": back}

    def _parse(self, text):
        if self.field is None:
            raise ValueError("an id ordering has no value")
        model_field = self.page_model._meta.get_field(self.field)
        value = model_field.to_python(text)
        if value is None:
            raise ValueError("no value")
        return value

    def _link(self, position):
        if position is None:
            return None
        return replace_query_param(
            self.base_url, self.cursor_query_param, encode_position(position)
        )

    def get_next_link(self):
        return self._link(self.next_position)

    def get_previous_link(self):
        return self._link(self.previous_position)
