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
integers (ids), never None (which compiles to IS NULL) or values the ORM
would transform; and lists of integers named in `lists`, used only through
`AnyOf` (apps/projects/queries.py) in a filter that an empty list empties.
PostgreSQL gets such a list as one array, so one SQL serves every length;
SQLite as one placeholder per id, so its SQL is kept per length.

How the rows are read (`fetch`, also for a queryset whose SQL varies:
`values_rows`) does less than the ORM's own reading, for the same values:

- On PostgreSQL a `timestamptz` is parsed by psycopg's own loader (C, with
  psycopg-binary) on the query's cursor, not by Django's, which subclasses
  the Python one to put the connection's time zone on every value: where
  both zones are UTC (Django with USE_TZ and no database TIME_ZONE; the
  session Django set), psycopg's gives the very same datetime, tzinfo
  `datetime.timezone.utc` included, in a seventh of the time.
- A JSONField column (no custom decoder) is decoded by orjson, where its
  answer is json.loads': not when the text has a run of 19 digits (orjson
  reads an integer past 64 bits as a float) or when orjson refuses it (NaN,
  a lone surrogate), which go to the field's own decoding.
- A list of ids on PostgreSQL goes as the array's text (`{1,2,3}`), which
  `= ANY(...)` reads as an array of the column's type, rather than through
  psycopg's array dumper in Python, with client-side binding (Django's
  default, ClientCursor), whose literal is this text.
"""

import re
from datetime import UTC

import orjson
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField

try:
    from psycopg.types.datetime import TimestamptzLoader
except ImportError:  # psycopg2 or no PostgreSQL driver: Django's loading throughout
    TimestamptzLoader = None

# Markers: integers no id ever is, far from any constant a query holds; a
# list's items go below its own marker.
_MARKER_BASE = -7_340_000_000_000
_MARKER_STEP = 100_000
_ID_RANGE = (-(2**63), 2**63 - 1)
# Longer lists are not prepared (the ORM builds the query); nor are lengths
# past the SQL kept per length (SQLite).
LIST_MAX = 5_000
_LENGTHS_KEPT = 64


def _in_range(value):
    return _ID_RANGE[0] <= value <= _ID_RANGE[1]


def _native_timestamps(cursor):
    """Read this cursor's timestamptz values with psycopg's own loader where
    they come out the same as with Django's (the module's docstring)."""
    connection = cursor.db
    if TimestamptzLoader is None or connection.vendor != "postgresql":
        return
    raw = cursor.cursor
    if connection.timezone is UTC and raw.connection.info.timezone is UTC:
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)


# orjson reads an integer of more than 64 bits as a float; json.loads as an int.
_LONG_NUMBER = re.compile(r"\d{19}")


def _json_loader(decode):
    """A JSONField's `from_db_value` (`decode`) through orjson where orjson's
    answer is the same."""

    def load(value, expression, connection):
        if type(value) is str and not _LONG_NUMBER.search(value):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return decode(value, expression, connection)

    return load


def _converters(compiler):
    """[(position, (functions, expression))] of the compiled query's columns,
    as Django's compiler applies them, a plain JSONField's decoding by orjson."""
    columns = [col[0] for col in compiler.select[: compiler.col_count]]
    converters = []
    for pos, (functions, expression) in compiler.get_converters(columns).items():
        functions = [
            _json_loader(function)
            if getattr(function, "__func__", None) is JSONField.from_db_value
            and function.__self__.decoder is None
            else function
            for function in functions
        ]
        converters.append((pos, (functions, expression)))
    return converters


def _names(query):
    """The `.values()` names of a query's columns, as Django's ValuesIterable names them."""
    if query.selected:
        return list(query.selected)
    return [*query.extra_select, *query.values_select, *query.annotation_select]


def _array_text(connection):
    """Whether a list of ids goes as its array's text: PostgreSQL with
    client-side binding, whose SQL holds the parameter as that literal."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get(
        "OPTIONS", {}
    ).get("server_side_binding")


def fetch(connection, sql, params, converters=()):
    """The rows of `sql` as tuples, converted (`_converters`), through the
    connection's cursor (query counting and transactions see it)."""
    with connection.cursor() as cursor:
        _native_timestamps(cursor)
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not converters:
        return fetched
    out = []
    for row in fetched:
        row = list(row)
        for pos, (functions, expression) in converters:
            value = row[pos]
            for function in functions:
                value = function(value, expression, connection)
            row[pos] = value
        out.append(tuple(row))
    return out


def _compiled_rows(queryset):
    """(the `.values()` names, the rows as `fetch` reads them) of a queryset
    compiled by Django as usual."""
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return [], []
    return _names(query), fetch(connections[queryset.db], sql, params, _converters(compiler))


def values_rows(queryset):
    """`list(queryset)` of a `.values()` queryset, compiled by Django as
    usual and read by `fetch`: the same dicts."""
    names, rows = _compiled_rows(queryset)
    # Columns past the names (a DISTINCT query's ordering) are dropped, as Django drops them.
    return [dict(zip(names, row, strict=False)) for row in rows]


def values_tuples(queryset):
    """`list(queryset)` of a `.values_list()` queryset (not flat, not named),
    read as values_rows reads: the same tuples."""
    names, rows = _compiled_rows(queryset)
    if rows and len(rows[0]) > len(names):
        width = len(names)
        return [row[:width] for row in rows]
    return rows


class PreparedValues:
    """`build(**params)` -> a `.values()` queryset, compiled once per database.

    `rows(**params)` is `list(build(**params))`, `row(**params)` its first row
    or None, `tuples(**params)` the rows as tuples in the order of the
    `.values()` names; each param is an int, or a list of ints if named in
    `lists` (see the module's docstring)."""

    def __init__(self, build, *params, lists=()):
        self.build = build
        self.params = params
        self.lists = frozenset(lists)
        self._compiled = {}

    def _markers(self, lengths):
        markers = {}
        for i, name in enumerate(self.params):
            base = _MARKER_BASE - i * _MARKER_STEP
            if name in self.lists:
                markers[name] = [base - 1 - j for j in range(lengths[name])]
            else:
                markers[name] = base
        return markers

    def _compile(self, alias, lengths):
        markers = self._markers(lengths)
        queryset = self.build(**markers).using(alias)
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("A PreparedValues is built as a .values() queryset.")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        where = {}  # marker -> (name, item index, or None for the value itself)
        for name, marker in markers.items():
            if name in self.lists:
                where.update({m: (name, j) for j, m in enumerate(marker)})
            else:
                where[marker] = (name, None)
        slots, used, whole_lists = [], set(), set()
        for i, param in enumerate(params):
            if type(param) is int and param in where:
                slots.append((i, *where[param]))
                used.add(where[param][0])
            elif isinstance(param, list | tuple):
                for name in self.lists:
                    if list(param) == markers[name]:
                        slots.append((i, name, None))
                        used.add(name)
                        whole_lists.add(name)
        missing = [name for name in self.params if name not in used]
        if missing:
            raise ImproperlyConfigured(f"The query does not use the parameter(s) {missing}.")
        names = _names(query)
        compiled = (sql, list(params), slots, names, _converters(compiler))
        # Every list went as one array: the same SQL for any length.
        shape = None if whole_lists == self.lists else tuple(sorted(lengths.items()))
        key = (alias, shape)
        if len(self._compiled) >= _LENGTHS_KEPT:
            self._compiled.clear()
        self._compiled[key] = compiled
        return compiled

    def _checked(self, values):
        """The values as the SQL takes them, or None when no row can match."""
        checked = {}
        for name in self.params:
            value = values[name]
            if name in self.lists:
                if not isinstance(value, list | tuple):
                    raise TypeError(f"{name} must be a list of ints.")
                # Checked as a whole (map, min, max), not id by id: a page's
                # sets and their contents are read by hundreds of ids.
                if not set(map(type, value)) <= {int}:
                    wrong = next(item for item in value if type(item) is not int)
                    raise TypeError(f"{name} must hold ints, not {type(wrong).__name__}.")
                # No stored id is out of range; an empty list matches nothing.
                if not value:
                    return None
                if not (_in_range(min(value)) and _in_range(max(value))):
                    value = [item for item in value if _in_range(item)]
                    if not value:
                        return None
                value = list(value)
            else:
                if type(value) is not int:
                    raise TypeError(f"{name} must be an int, not {type(value).__name__}.")
                if not _in_range(value):
                    # No stored id is out of range (the ORM answers such a
                    # lookup with no rows too); SQLite would raise OverflowError.
                    return None
            checked[name] = value
        return checked

    def _run(self, using, values):
        """(names, the fetched rows as tuples, converted)."""
        values = self._checked(values)
        if values is None:
            return None, []
        lengths = {name: len(values[name]) for name in self.lists}
        if any(length > LIST_MAX for length in lengths.values()):
            queryset = self.build(**values).using(using)
            names = _names(queryset.query)
            return names, [tuple(row[name] for name in names) for row in values_rows(queryset)]
        compiled = (
            self._compiled.get((using, None))
            or self._compiled.get((using, tuple(sorted(lengths.items()))))
            or self._compile(using, lengths)
        )
        sql, params, slots, names, converters = compiled
        connection = connections[using]
        as_text = _array_text(connection)
        params = list(params)
        for i, name, item in slots:
            if item is not None:
                params[i] = values[name][item]
            elif as_text and name in self.lists:
                params[i] = "{" + ",".join(map(str, values[name])) + "}"
            else:
                params[i] = values[name]
        return names, fetch(connection, sql, params, converters)

    def rows(self, using=DEFAULT_DB_ALIAS, **values):
        names, fetched = self._run(using, values)
        return [dict(zip(names, row, strict=True)) for row in fetched]

    def tuples(self, using=DEFAULT_DB_ALIAS, **values):
        return self._run(using, values)[1]

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
