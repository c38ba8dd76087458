"""Writing many new rows at once, the fastest way each database offers.

The ORM's bulk_create compiles every field of every row (most of an
import's time went there); the rows written here are validated already, so
their values go as they are, adapted once per column type. On PostgreSQL
they are streamed with ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``),
several times faster than INSERTs, and their ids are taken from the table's
sequence beforehand (`reserve_ids`), so nothing is read back; elsewhere
(SQLite) they go with executemany.
"""

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
    the field's own adaptation for executemany) and, for executemany, dates."""
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


def insert(model, names, rows):
    """Insert `rows`, tuples of values for the fields `names` of `model`
    (attnames: ``project_id``, or ``project``), in one COPY on PostgreSQL or
    one executemany elsewhere. No signals, no defaults: every column the
    table needs is among `names`. Database errors come as Django's
    (IntegrityError on a unique key another transaction holds)."""
    fields = [model._meta.get_field(name) for name in names]
    adapters = [(n, a) for n, f in enumerate(fields) if (a := _adapter(f)) is not None]
    if adapters:
        rows = (_adapted(row, adapters) for row in rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if copies():
            sql = f"COPY {table} ({columns}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            # COPY goes past Django's cursor wrapper: logged by hand, so that
            # query counts (django_assert_max_num_queries) still see it.
            if connection.queries_logged:
                took = time.monotonic() - started
                connection.queries_log.append({"sql": sql, "time": f"{took:.3f}"})
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(rows))


def _adapted(row, adapters):
    row = list(row)
    for n, adapt in adapters:
        if row[n] is not None:
            row[n] = adapt(row[n])
    return row
