"""Prepared queries: a hot lookup's SQL built once per process, not per request.

Half of the CPU of a cheap request went to Django building the same SQL
again and again (resolving filters, joins and select lists; the database's
own part was a tenth of that). A `PreparedValues` is written as the
ordinary ORM `.values()` queryset it stands for, with each varying input a
named parameter; the first call on a database compiles it with Django's
own compiler, with a marker value in each parameter's place, and keeps the
SQL, where each marker went and Django's converters of the columns. Every
later call only puts its values where the markers were and runs the SQL
through the connection's cursor (so query counting and transactions see
it as any ORM query): the rows are what the queryset's `.values()` gives.

Only for inputs that never change the SQL's shape, compared for equality:
integers (ids), never None (which compiles to IS NULL), lists or values
the ORM would transform.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# Markers: integers no id ever is, far from any constant a query holds.
_MARKER_BASE = -7_340_000_000_000
_ID_RANGE = (-(2**63), 2**63 - 1)


class PreparedValues:
    """`build(**params)` -> a `.values()` queryset, compiled once per database.

    `rows(**params)` is `list(build(**params))`, `row(**params)` its first row
    or None; each param is an int (see the module's docstring)."""

    def __init__(self, build, *params):
        self.build = build
        self.params = params
        self._compiled = {}

    def _compile(self, alias):
        markers = {name: _MARKER_BASE - i for i, name in enumerate(self.params)}
        queryset = self.build(**markers).using(alias)
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("A PreparedValues is built as a .values() queryset.")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = {
            name: [i for i, p in enumerate(params) if p == marker]
            for name, marker in markers.items()
        }
        missing = [name for name, where in slots.items() if not where]
        if missing:
            raise ImproperlyConfigured(f"The query does not use the parameter(s) {missing}.")
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = list(compiler.get_converters([col[0] for col in compiler.select]).items())
        compiled = (sql, list(params), list(slots.items()), names, converters)
        self._compiled[alias] = compiled
        return compiled

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        compiled = self._compiled.get(using) or self._compile(using)
        sql, params, slots, names, converters = compiled
        params = list(params)
        for name, where in slots:
            value = values[name]
            if type(value) is not int:
                raise TypeError(f"{name} must be an int, not {type(value).__name__}.")
            if not _ID_RANGE[0] <= value <= _ID_RANGE[1]:
                # No stored id is out of range (the ORM answers such a lookup
                # with no rows too); SQLite would raise OverflowError.
                return []
            for i in where:
                params[i] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        out = []
        for row in fetched:
            row = list(row)
            for pos, (functions, expression) in converters:
                value = row[pos]
                for function in functions:
                    value = function(value, expression, connection)
                row[pos] = value
            out.append(dict(zip(names, row, strict=True)))
        return out

    def row(self, using=DEFAULT_DB_ALIAS, **values):
        found = self.rows(using, **values)
        return found[0] if found else None


def field_names(model, prefix=""):
    """The `.values()` names of `model`'s stored columns, in its field order,
    under `prefix` (e.g. "project__"): what `instance` reads back."""
    return [prefix + field.attname for field in model._meta.concrete_fields]


def instance(model, row, prefix="", fields=None):
    """The `model` instance a prepared row holds under `prefix` (field_names),
    as the ORM would load it; `fields`: the attnames read, as with `.only()`
    (default: every stored column)."""
    if fields is None:
        fields = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [row[prefix + name] for name in fields])
