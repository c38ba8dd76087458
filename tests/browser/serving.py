"""One lock between the live server's requests and the test thread's own
database work (conftest.SerialWSGIServer, serialized_database)."""

import threading
from contextlib import contextmanager

# The live server's thread shares the test's connection (in-memory SQLite),
# so the test's own queries must not meet a request: one served holds this
# lock, and so does the test thread at the database (between_requests,
# serialized_database). Real
# databases make the one wait for the other; this connection would instead
# mix their transactions or fail ("database table is locked").
SERVING = threading.RLock()


@contextmanager
def between_requests():
    """Run a block of database work (a worker's run) while no request is served."""
    with SERVING:
        yield
