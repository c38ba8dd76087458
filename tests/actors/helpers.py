"""Shared pieces of the actor tests: a registry, documents, a real HTTP suggester."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from apps.actors.models import Actor, Alias
from apps.documents.models import Document

TEXTS = {
    "a": "The Russian Foreign Ministry condemned the operation; Moscow said Caracas was right.",
    "b": "Iranian media quoted Iran's envoy and Delcy Rodríguez in Caracas.",
    "c": "Nothing to see here.",
}


def make_registry(project):
    """Russia (state, with ministry and Moscow), Venezuela (state), Iran (state),
    Rodríguez (person), a group whose kind is left unmapped."""
    actors = {}

    def add(name, kind, *aliases, **extra):
        actor = Actor.objects.create(project=project, name=name, kind=kind, **extra)
        Alias.objects.bulk_create(
            Alias(actor=actor, text=text, case_sensitive=cs) for text, cs in aliases
        )
        actors[name] = actor
        return actor

    add("Russia", "state", ("Moscow", True), ("the Kremlin", True), country="RU")
    add("Russian Foreign Ministry", "organization", ("the Russian Foreign Ministry", True))
    add("Venezuela", "state", ("Caracas", True), country="VE")
    add("Iran", "state", ("Tehran", True), wikidata_id="Q794")
    add("Delcy Rodríguez", "person", ("delcy rodríguez", False))
    add("Media", "group", ("media", True))
    project.actor_kind_labels = {"state": "GPE", "person": "PERSON", "organization": "ORG"}
    project.save(update_fields=["actor_kind_labels"])
    return actors


def make_documents(project, texts=TEXTS):
    return {
        key: Document.objects.create(project=project, external_id=key, text=text)
        for key, text in texts.items()
    }


class SuggestServer:
    """A real HTTP server on 127.0.0.1 in a thread; `behaviour(document)` gives
    (status, body, delay) for each POSTed document."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                document = json.loads(self.rfile.read(length))
                outer.received.append((document, dict(self.headers)))
                status, body, delay = outer.behaviour(document)
                if delay:
                    time.sleep(delay)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/suggest"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
