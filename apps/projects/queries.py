"""Query pieces every app uses."""

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, IntegerField, Lookup, Subquery
from django.db.models.functions import Coalesce


def count_of(rows, per):
    """The number of `rows` (a queryset correlated to the outer row through
    OuterRef) per value of the field `per`, as an annotation: 0 where none."""
    counted = rows.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class AnyOf(Lookup):
    """``lhs IN (values)`` for a long list of integers, as one parameter on
    PostgreSQL (``= ANY(%s)``, an array): an IN list of a thousand ids costs
    Django and psycopg a thousand placeholders to prepare, and PostgreSQL
    a thousand constants to plan. Use it as a filter: ``filter(AnyOf(F("set_id"), ids))``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*params, *self.rhs)
