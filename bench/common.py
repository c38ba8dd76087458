"""What the benchmarks share.

Importing this module sets Django up on the test settings (import it before
anything from Django or apps/); `throwaway_database()` gives a benchmark a
fresh test database of whatever DATABASE_URL points at, dropped afterwards.
"""

import contextlib
import gc
import importlib
import importlib.abc
import importlib.util
import os
import subprocess
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


# --------------------------------------------------------------------------- a baseline from git

REPOSITORY = Path(__file__).resolve().parent.parent
BASELINE = "export_baseline"
BASELINE_SETS, SETS = "export_baseline_sets", "apps/annotations/sets.py"
BASELINE_TEXT, TEXT = "export_baseline_text", "apps/documents/text.py"
# The revision before the export was made faster: the export benches' baseline.
EXPORT_BASELINE = "3c1237f"


class GitPackage(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``export_baseline.X`` from ``apps/datasets/X.py`` as it was at
    `ref`, so the old export code runs beside the new one; what it imports
    from outside apps/datasets is today's but for the tokenizer, which is
    `ref`'s too (CoNLL's time is mostly tokenizing)."""

    def __init__(self, ref):
        self.ref = ref

    def source(self, path):
        run = subprocess.run(
            ["git", "-C", str(REPOSITORY), "show", f"{self.ref}:{path}"], capture_output=True
        )
        return run.stdout.decode() if run.returncode == 0 else None

    def find_spec(self, name, path=None, target=None):
        for module, file in ((BASELINE_SETS, SETS), (BASELINE_TEXT, TEXT)):
            if name == module:
                # The bulk loader the old export read sets with, or its tokenizer, as then.
                spec = importlib.util.spec_from_loader(name, self)
                spec.loader_state = (file, self.source(file))
                return spec
        if name != BASELINE and not name.startswith(BASELINE + "."):
            return None
        parts = ["apps/datasets", *name.split(".")[1:]]
        base = "/".join(parts)
        for file, package in ((f"{base}/__init__.py", True), (f"{base}.py", False)):
            text = self.source(file)
            if text is not None:
                spec = importlib.util.spec_from_loader(name, self, is_package=package)
                spec.loader_state = (file, text)
                if package:
                    spec.submodule_search_locations = []
                return spec
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        file, text = module.__spec__.loader_state
        if module.__name__ == BASELINE_SETS:
            module.__package__ = "apps.annotations"  # its relative imports are today's models
        elif module.__name__ == BASELINE_TEXT:
            module.__package__ = "apps.documents"
        else:
            text = text.replace("from apps.documents.text import", f"from {BASELINE_TEXT} import")
        exec(compile(text, f"{self.ref}:{file}", "exec"), module.__dict__)


def baseline_export(ref=EXPORT_BASELINE):
    """The module apps/datasets/export.py as it was at `ref`, reading sets
    with the load_contents of `ref`, importable beside today's."""
    if not any(isinstance(f, GitPackage) and f.ref == ref for f in sys.meta_path):
        sys.meta_path.insert(0, GitPackage(ref))
    old = importlib.import_module(f"{BASELINE}.export")
    old.load_contents = importlib.import_module(BASELINE_SETS).load_contents
    return old


def baseline_text(ref):
    """The tokenizer apps/documents/text.py as it was at `ref`, importable beside today's."""
    if not any(isinstance(f, GitPackage) and f.ref == ref for f in sys.meta_path):
        sys.meta_path.insert(0, GitPackage(ref))
    return importlib.import_module(BASELINE_TEXT)
