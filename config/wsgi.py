import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def settle_garbage_collector():
    """Load every view now (the URLconf imports them) and put what the
    process holds after loading in the collector's permanent generation.

    The code, settings and URL patterns live as long as the process, but
    every full collection walked them again: a page of 100 documents with
    their annotations makes some 20,000 short-lived containers, and the
    collections they set off were a fifth of its CPU. Nothing else
    changes: the collector runs as often, over what the requests made."""
    get_resolver().url_patterns  # noqa: B018 (imported for its side effect)
    gc.collect()
    gc.freeze()


settle_garbage_collector()
