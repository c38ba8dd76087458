"""Storing one batch of an import while the next is read and checked.

An import's worker alternates between its own Python (decoding, checking a
batch) and waiting for the database to store the batch before (COPY, the
indexes, the foreign keys). psycopg lets go of the GIL while it waits, so
the two can run at once: `Writer` runs each batch's writes on a thread of
its own, on the SAME connection and so in the SAME transaction as the rest
of the import (psycopg connections are thread-safe: their statements take
turns), while the caller goes on with the next batch. One import stays one
transaction, all or nothing.

At most one batch is being written while the next is checked: `submit`
first waits for the write before it, so memory holds two batches, not the
file. The writes are in the order submitted, one at a time; the import's
other statements (reading the job's file, the checks' lookups) come
between them.

Only on PostgreSQL: SQLite gains nothing (one writer, nothing to overlap
with) and its driver does not serialize a connection shared by threads, so
there the writes run inline, as before.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections


class Writer:
    """Runs a batch's writes (`submit`) behind the caller's back, one at a
    time, on the caller's connection. Use it as a context manager inside
    the import's transaction: leaving it waits for the last write, and
    whatever a write raised is raised in the caller (the first failure wins
    over what followed from it, such as a statement refused in the aborted
    transaction), so nothing is ever written after the transaction ends."""

    def __init__(self, using=DEFAULT_DB_ALIAS):
        self.connection = connections[using]
        self.using = using
        self.pool = None
        if self.connection.vendor == "postgresql":
            self.pool = ThreadPoolExecutor(1, "import-writer", initializer=self._share)
        self.pending = None

    def _share(self):
        # The thread's `connection` is the caller's (Django's connections are
        # per thread: a new one would be outside the import's transaction).
        connections[self.using] = self.connection

    def __enter__(self):
        if self.pool is not None:
            self.connection.inc_thread_sharing()
        return self

    def submit(self, write, *args):
        """Run ``write(*args)`` once the write before it is done (raising its
        error, if it failed); inline where nothing overlaps."""
        self.wait()
        if self.pool is None:
            write(*args)
        else:
            self.pending = self.pool.submit(write, *args)

    def wait(self):
        """Wait for the write under way, if any; raise its error."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def __exit__(self, kind, error, traceback):
        try:
            # Also after an error of the caller's: the write under way must
            # end before the transaction does. Its own error is the cause.
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
                self.connection.dec_thread_sharing()
        return False
