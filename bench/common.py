"""What the benchmarks share.

Importing this module sets Django up on the test settings (import it before
anything from Django or apps/); `throwaway_database()` gives a benchmark a
fresh test database of whatever DATABASE_URL points at, dropped afterwards.
"""

import contextlib
import gc
import os
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# The everyday words synthetic news articles are made of.
WORDS = [
    "the",
    "minister",
    "said",
    "government",
    "talks",
    "sanctions",
    "oil",
    "exports",
    "border",
    "security",
    "council",
    "opposition",
    "election",
    "president",
    "forces",
    "statement",
    "allies",
    "region",
    "crisis",
    "agreement",
]


@contextlib.contextmanager
def throwaway_database():
    setup_test_environment()
    # A run killed before its cleanup leaves its database behind: replace it
    # rather than stop at Django's "delete it?" prompt.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def peak_mib(fn, *args):
    """The peak of Python allocations (MiB, tracemalloc) while `fn(*args)` runs:
    a second run of work already timed, since tracing slows Python down."""
    gc.collect()
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
