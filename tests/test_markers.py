"""The `postgres` marker is the one way a test says it needs PostgreSQL."""

import re
from pathlib import Path

from django.db import connection

HERE = Path(__file__).parent


def test_tests_needing_postgresql_are_skipped_with_the_reason_elsewhere(request):
    marked = [item for item in request.session.items if "postgres" in item.keywords]
    for item in marked:
        skips = [m for m in item.iter_markers("skip")]
        if connection.vendor == "postgresql":
            assert skips == [], item.nodeid
        else:
            assert skips, item.nodeid
            assert "needs PostgreSQL" in skips[0].kwargs["reason"], item.nodeid


def test_no_test_skips_by_hand_on_the_database_vendor():
    by_hand = re.compile(r"skip(if)?\(.*vendor|vendor.*\n\s*pytest\.skip")
    offenders = [
        str(path.relative_to(HERE))
        for path in HERE.rglob("*.py")
        if path.name not in ("conftest.py", "test_markers.py") and by_hand.search(path.read_text())
    ]
    assert offenders == []
