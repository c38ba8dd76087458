"""Writing many new rows at once, the fastest way each database offers.

The ORM's bulk_create compiles every field of every row and builds a model
instance for each (most of an import's time went there); the rows written
here are validated already, so their values go as they are, adapted once
per column type. On PostgreSQL they are streamed with ``COPY … FROM
STDIN`` (psycopg's ``cursor.copy``), several times faster than INSERTs,
and their ids are taken from the table's sequence beforehand
(`reserve_ids`), so nothing is read back; elsewhere (SQLite) they go as
multi-row INSERTs that return their ids.
"""

import itertools
import json
import time

from django.db import connection


def copies():
    """Whether this database takes rows by COPY (and ids by `reserve_ids`)."""
    return connection.vendor == "postgresql"


def reserve_ids(model, count):
    """`count` new ids for rows of `model`, from its table's id sequence, in
    one query (PostgreSQL only): the rows can then be written with their
    ids, and whatever refers to them built before they are."""
    if not count:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _adapter(field):
    """How a value of `field` is sent: as it is, except JSON (text for COPY,
    the field's own adaptation for INSERT) and, for INSERT, dates."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        if copies():
            encoder = field.encoder
            return lambda value: json.dumps(value, cls=encoder)
        return lambda value: field.get_db_prep_save(value, connection)
    if not copies() and kind == "DateField":
        return connection.ops.adapt_datefield_value
    if not copies() and kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return None


def create(model, names, rows):
    """Insert `rows`, tuples of values for the fields `names` of `model`
    (attnames: ``project_id``, or ``project``), and return their new ids in
    the order of `rows`. No signals, no defaults: every column the table
    needs is among `names`. Database errors come as Django's (IntegrityError
    on a unique key another transaction holds).

    On PostgreSQL: the ids reserved, then one COPY with them. Elsewhere:
    INSERT … RETURNING of as many rows at a time as the database takes
    parameters for (the order of the returned ids is the rows', as
    bulk_create relies on too)."""
    if copies():
        rows = list(rows)
        ids = reserve_ids(model, len(rows))
        _copy(model, ("id", *names), ((i, *row) for i, row in zip(ids, rows, strict=True)))
        return ids
    fields, rows = _prepared(model, names, rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
    returning = f" RETURNING {quote(model._meta.pk.column)}"
    marks = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, connection.features.max_query_params // len(fields))
    rows, ids = iter(rows), []
    with connection.cursor() as cursor:
        while chunk := [value for row in itertools.islice(rows, per_statement) for value in row]:
            count = len(chunk) // len(fields)
            cursor.execute(head + ", ".join([marks] * count) + returning, chunk)
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def copy(model, names, rows):
    """Insert `rows` as `create` takes them when nothing needs their ids: on
    PostgreSQL one COPY, the ids taken by the table's own default as each
    row is stored (no query to reserve them first); elsewhere `create`."""
    if copies():
        _copy(model, names, rows)
    else:
        create(model, names, rows)


def insert(model, names, rows):
    """Insert a few `rows` (a set saved from the API) as `create` takes them,
    in one statement, and return their new ids in the order of `rows`.

    On PostgreSQL ``INSERT … SELECT FROM UNNEST`` of one array per column,
    as Django's bulk_create sends it (one SQL for any number of rows, the
    ids returned in the rows' order), without building a model instance
    and compiling each value; elsewhere `create`'s INSERT … RETURNING."""
    if not copies():
        return create(model, names, rows)
    rows = list(rows)
    if not rows:
        return []
    fields, rows = _prepared(model, names, rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"SELECT * FROM UNNEST({arrays}) RETURNING {quote(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, names, rows):
    fields, rows = _prepared(model, names, rows)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        started = time.monotonic()
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        # COPY goes past Django's cursor wrapper: logged by hand, so that
        # query counts (django_assert_max_num_queries) still see it.
        if connection.queries_logged:
            took = time.monotonic() - started
            connection.queries_log.append({"sql": sql, "time": f"{took:.3f}"})


def _prepared(model, names, rows):
    """The fields `names` of `model`, and `rows` with their values adapted."""
    fields = [model._meta.get_field(name) for name in names]
    adapters = [(n, a) for n, f in enumerate(fields) if (a := _adapter(f)) is not None]
    if adapters:
        rows = (_adapted(row, adapters) for row in rows)
    return fields, rows


def _adapted(row, adapters):
    row = list(row)
    for n, adapt in adapters:
        if row[n] is not None:
            row[n] = adapt(row[n])
    return row
