"""Which documents a filter selects: the documents list's filters, written once.

The documents API reads them from its query string (`DocumentFilter` is its
filterset); pre-annotation reads them from the `filter` object of its
request and applies them again in its job, where there is no request
(`filter_documents`). One implementation, so one filter means the same
documents in both, and a bad value is the same refusal.

It lives in `annotations` because two filters are about annotation work:
`status` (the counts the sets keep) and `assigned_to` (who has a set).
Who may use `assigned_to` in a blind project is the documents API's to
decide; here a filter only selects.
"""

import django_filters
from django.db.models import Exists, OuterRef

from apps.documents.models import Document
from apps.documents.search import search
from apps.projects.errors import Invalid

from .models import AnnotationSet


class DocumentFilter(django_filters.FilterSet):
    """The documents list's filters over the documents of `project`, combined with AND."""

    external_id = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=Document.Status.choices, method="filter_status")
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Words that must all be in the title or text (whole words, any case, "
        "on PostgreSQL; anywhere in a word on SQLite).",
    )
    assigned_to = django_filters.CharFilter(
        method="filter_assigned_to",
        help_text="An annotator with a set on it: their username, or under anonymous review "
        'a reviewer gives their pseudonym ("Annotator n").',
    )
    outlet = django_filters.CharFilter()
    author = django_filters.CharFilter()
    section = django_filters.CharFilter()
    published_after = django_filters.DateFilter(field_name="published", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published", lookup_expr="lte")
    # Days, inclusive, on the stored times the documents list also sorts by.
    submitted_after = django_filters.DateFilter(
        field_name="last_submitted_at", lookup_expr="date__gte"
    )
    submitted_before = django_filters.DateFilter(
        field_name="last_submitted_at", lookup_expr="date__lte"
    )
    active_after = django_filters.DateFilter(field_name="last_activity", lookup_expr="date__gte")
    active_before = django_filters.DateFilter(field_name="last_activity", lookup_expr="date__lte")

    class Meta:
        model = Document
        fields = []

    def __init__(self, data=None, queryset=None, *, project, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.project = project

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_assigned_to(self, queryset, name, value):
        sets = AnnotationSet.objects.filter(
            document=OuterRef("pk"), kind=AnnotationSet.Kind.ANNOTATOR, author__username=value
        )
        return queryset.filter(Exists(sets))


FILTERS = tuple(DocumentFilter.base_filters)


def filter_documents(queryset, project, data, field="filter"):
    """`queryset` (documents of `project`) narrowed by `data`, an object
    ``{filter name: text}`` with the documents list's names and values
    (empty or null: not filtered). Raises Invalid naming ``field.name`` at
    fault: an unknown name (a typo must not widen the selection to every
    document), a value that is not text, or one the documents list refuses."""
    if not isinstance(data, dict):
        raise Invalid(f"must be an object of filters: {', '.join(FILTERS)}.", field=field)
    for name, value in data.items():
        if name not in FILTERS:
            raise Invalid(
                f"is not a filter of the documents list; the filters are {', '.join(FILTERS)}.",
                field=f"{field}.{name}",
            )
        if value is not None and not isinstance(value, str):
            raise Invalid(
                f"must be text, as in the documents list's query string, got {value!r}.",
                field=f"{field}.{name}",
            )
    values = {name: value for name, value in data.items() if value is not None}
    filterset = DocumentFilter(values, queryset, project=project)
    if not filterset.is_valid():
        name, messages = next(iter(filterset.errors.items()))
        raise Invalid(" ".join(messages), field=f"{field}.{name}")
    return filterset.qs
