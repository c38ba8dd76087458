"""Query pieces every app uses."""

from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce


def count_of(rows, per):
    """The number of `rows` (a queryset correlated to the outer row through
    OuterRef) per value of the field `per`, as an annotation: 0 where none."""
    counted = rows.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
