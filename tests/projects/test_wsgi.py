"""The WSGI entry point leaves the garbage collector settled (config/wsgi.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_web_process_freezes_what_it_loaded():
    probe = (
        "import gc, json, sys, config.wsgi; "
        "print(json.dumps([gc.get_freeze_count(), "
        "'apps.documents.api.views' in sys.modules]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    frozen, views_loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert views_loaded  # the URLconf was loaded before the freeze
    assert frozen > 10_000
