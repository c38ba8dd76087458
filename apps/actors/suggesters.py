"""The suggester interface: what pre-annotation asks for spans.

A suggester is called with a document and the registry and returns spans::

    suggest(document, registry) -> [{"start": 0, "end": 6, "label": "GPE", "actor": 12}, ...]

- `document` is ``{"id", "external_id", "text", "title", "meta"}``;
- `registry` is a `Registry`: the project's actors (merged ones left out)
  with their aliases, and the project's `actor_kind_labels`;
- each span has `start`, `end` (code points, end exclusive), `label` (an
  entity label of the project) and optionally `actor` (an actor id of the
  project), `text` and `score` (the model's confidence in it, 0 to 1, kept
  on the prediction span and shown in the workspace). Pre-annotation
  validates every span like any other write; a suggester that returns
  something invalid fails the whole run.

Three kinds ship:

- ``"aliases"``: `AliasSuggester`, the registry's alias matcher (the default);
- a dotted path to a Python callable with the signature above;
- an HTTP endpoint: the document is POSTed as JSON, the answer is
  ``{"spans": [...]}``; a non-2xx status, a timeout, or an answer that is not
  that shape raises `SuggesterError`.

Others are named in the setting ``ACCORD_SUGGESTERS`` (or, when the setting
is absent, the environment variable of the same name holding JSON)::

    ACCORD_SUGGESTERS = {
        "ner": "myteam.models.suggest",                       # a callable
        "remote": {"url": "http://10.0.0.5:8080/suggest",     # an endpoint
                   "timeout": 10, "headers": {"Authorization": "Bearer …"}},
    }

The name is also the `source` of the prediction sets the suggester writes.
"""

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils.module_loading import import_string

from .matcher import Matcher

DEFAULT = "aliases"
DEFAULT_TIMEOUT = 30.0
# An answer larger than this is refused rather than read into memory.
MAX_ANSWER_BYTES = 20 * 1024 * 1024


class SuggesterError(Exception):
    """A suggester is unknown, misconfigured, or failed; the message is for people."""


@dataclass
class Registry:
    """A project's actor registry as plain data.

    `actors` are dicts ``{"id", "name", "kind", "country", "wikidata_id",
    "aliases": [{"text", "case_sensitive"}]}``; `kind_labels` maps an actor
    kind to the entity label its mentions get (kinds not mapped are skipped).
    """

    actors: list[dict]
    kind_labels: dict[str, str] = field(default_factory=dict)

    @cached_property
    def kind_of(self):
        return {actor["id"]: actor["kind"] for actor in self.actors}

    @cached_property
    def matcher(self):
        """The alias matcher of every actor whose kind is mapped to a label,
        built once. An actor's name counts as a case-sensitive alias."""

        def aliases():
            for actor in self.actors:
                if actor["kind"] not in self.kind_labels:
                    continue
                yield actor["name"], True, actor["id"]
                for alias in actor["aliases"]:
                    yield alias["text"], alias["case_sensitive"], actor["id"]

        return Matcher(aliases())


class AliasSuggester:
    """The default suggester: every alias of the registry, with its actor.

    A text that is an alias of several actors is ambiguous: if their kinds
    map to the same label the span is suggested without an actor (the
    annotator picks one); if to different labels nothing is suggested.
    """

    name = DEFAULT

    def __call__(self, document, registry):
        labels = registry.kind_labels
        kind_of = registry.kind_of
        spans = []
        for match in registry.matcher.find(document["text"]):
            candidates = {labels[kind_of[actor]] for actor in match.actors}
            if len(candidates) != 1:
                continue
            (label,) = candidates
            actor = match.actors[0] if len(match.actors) == 1 else None
            spans.append({"start": match.start, "end": match.end, "label": label, "actor": actor})
        return spans


class CallableSuggester:
    """A Python callable named by its dotted path."""

    def __init__(self, name, path):
        self.name = name
        self.path = path
        try:
            self.function = import_string(path)
        except ImportError as exc:
            raise SuggesterError(f"Suggester {name!r}: cannot import {path!r} ({exc}).") from exc

    def __call__(self, document, registry):
        try:
            result = self.function(document, registry)
        except SuggesterError:
            raise
        except Exception as exc:
            raise SuggesterError(
                f"Suggester {self.name!r} ({self.path}) failed on document {document['id']}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return _spans_of(result, self.name, document)


class HTTPSuggester:
    """An HTTP endpoint: POST the document as JSON, read ``{"spans": [...]}``."""

    def __init__(self, name, url, timeout=DEFAULT_TIMEOUT, headers=None):
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise SuggesterError(f"Suggester {name!r}: url must be an http(s) URL, got {url!r}.")
        self.name = name
        self.url = url
        self.timeout = float(timeout)
        self.headers = dict(headers or {})

    def __call__(self, document, registry):
        where = f"Suggester {self.name!r} at {self.url}"
        request = urllib.request.Request(
            self.url,
            data=json.dumps(document, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                **self.headers,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SuggesterError(
                f"{where} answered {exc.code} {exc.reason} for document {document['id']}"
                + (f": {detail}" if detail else ".")
            ) from exc
        except TimeoutError as exc:
            raise self._timeout(where, document) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout(where, document) from exc
            raise SuggesterError(
                f"{where} could not be reached for document {document['id']}: {exc.reason}."
            ) from exc
        except OSError as exc:
            raise SuggesterError(f"{where} failed for document {document['id']}: {exc}.") from exc
        if len(body) > MAX_ANSWER_BYTES:
            raise SuggesterError(
                f"{where} answered more than {MAX_ANSWER_BYTES:,} bytes for document "
                f"{document['id']}."
            )
        try:
            answer = json.loads(body)
        except ValueError as exc:
            raise SuggesterError(
                f"{where} did not answer JSON for document {document['id']}: {exc}."
            ) from exc
        if not isinstance(answer, dict) or "spans" not in answer:
            raise SuggesterError(
                f'{where} must answer an object {{"spans": [...]}} for document '
                f"{document['id']}, got {str(answer)[:100]!r}."
            )
        return _spans_of(answer["spans"], self.name, document)

    def _timeout(self, where, document):
        return SuggesterError(
            f"{where} did not answer within {self.timeout:g} s for document {document['id']}."
        )


def _spans_of(result, name, document):
    """The spans of a suggester's answer, as they came (a span's ``score``
    too): pre-annotation validates them."""
    if isinstance(result, dict) and "spans" in result:
        result = result["spans"]
    if not isinstance(result, list | tuple):
        raise SuggesterError(
            f"Suggester {name!r} must return a list of spans for document {document['id']}, "
            f"got {type(result).__name__}."
        )
    return list(result)


def configured():
    """{name: spec} of the suggesters configured besides the alias matcher."""
    value = getattr(settings, "ACCORD_SUGGESTERS", None)
    if value is None:
        raw = os.environ.get("ACCORD_SUGGESTERS", "").strip()
        try:
            value = json.loads(raw) if raw else {}
        except ValueError as exc:
            raise SuggesterError(f"ACCORD_SUGGESTERS is not valid JSON: {exc}.") from exc
    if not isinstance(value, dict):
        raise SuggesterError("ACCORD_SUGGESTERS must map suggester names to their settings.")
    return value


def names():
    return [DEFAULT, *sorted(name for name in configured() if name != DEFAULT)]


def get_suggester(name=DEFAULT):
    """The suggester called `name`; SuggesterError if none is configured so."""
    if name == DEFAULT:
        return AliasSuggester()
    specs = configured()
    if name not in specs:
        raise SuggesterError(
            f"There is no suggester named {name!r}; the configured ones are "
            + ", ".join(repr(n) for n in names())
            + "."
        )
    spec = specs[name]
    if isinstance(spec, str):
        return CallableSuggester(name, spec)
    if isinstance(spec, dict) and "url" in spec:
        unknown = set(spec) - {"url", "timeout", "headers"}
        if unknown:
            raise SuggesterError(f"Suggester {name!r}: unknown settings {sorted(unknown)}.")
        return HTTPSuggester(name, **spec)
    if isinstance(spec, dict) and "callable" in spec and len(spec) == 1:
        return CallableSuggester(name, spec["callable"])
    raise SuggesterError(
        f"Suggester {name!r} must be a dotted path to a callable, or "
        f'{{"url": …, "timeout": …, "headers": …}} for an HTTP endpoint.'
    )
