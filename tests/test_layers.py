"""The house plan's one rule, checked on every import statement under apps/.

Apps stand in layers (docs/architecture.md). Domain code, everything outside
an `api` package, imports only from its own app and from apps in lower layers.
An app's `api` package is interface code: it may use the domain code of any
app, and the `api` packages of apps below its own. Nothing but `front`
imports `front`, whose pages sit on top of everything.
"""

import ast
from pathlib import Path

import pytest

LAYERS = (
    ("projects",),
    ("documents",),
    ("actors",),
    ("annotations",),
    ("imports", "mentions", "review"),
    ("datasets",),
    ("recommender",),
    ("front",),
)
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
APPS_DIR = Path(__file__).resolve().parent.parent / "apps"


def where(module):
    """(app, is interface code) of a dotted module name under `apps.`, else None."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "apps":
        return None
    app = parts[1]
    return app, app == "front" or (len(parts) > 2 and parts[2] == "api")


def breaks_rule(importer, imported):
    """Why `importer` may not import `imported` (dotted names), or None if it may."""
    source, target = where(importer), where(imported)
    if source is None or target is None or source[0] == target[0]:
        return None
    (app, interface), (other, other_interface) = source, target
    if other not in LEVEL or app not in LEVEL:
        return f"{app if app not in LEVEL else other} is not in a layer of tests/test_layers.py"
    if other == "front":
        return "only front imports front"
    if interface and not other_interface:
        return None  # interface code may use any app's domain code
    if LEVEL[other] >= LEVEL[app]:
        kind = "interface" if other_interface else "domain"
        return f"{app} (layer {LEVEL[app]}) imports {kind} code of {other} (layer {LEVEL[other]})"
    if other_interface and not interface:
        return f"domain code of {app} imports the API of {other}"
    return None


def module_name(path):
    relative = path.relative_to(APPS_DIR.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path):
    """Every module `path` imports, absolute, with the line it is on."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            yield module, node.lineno
            for alias in node.names:  # `from apps import review` names a module too
                yield f"{module}.{alias.name}", node.lineno


def violations():
    for path in sorted(APPS_DIR.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        importer = module_name(path)
        for imported, line in imports_of(path):
            reason = breaks_rule(importer, imported)
            if reason:
                yield f"{path.relative_to(APPS_DIR.parent)}:{line}: {imported}: {reason}"


def test_every_app_is_in_a_layer():
    # every package under apps/, with or without Django models (apps.py)
    apps = {p.name for p in APPS_DIR.iterdir() if (p / "__init__.py").exists()}
    assert apps == set(LEVEL)


def test_no_app_imports_upward():
    assert list(violations()) == []


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("apps.annotations.sets", "apps.documents.models", True),
        ("apps.documents.models", "apps.annotations.models", False),  # upward
        ("apps.review.queue", "apps.mentions.merge", False),  # same layer
        ("apps.review.gold", "apps.front.views.review", False),
        ("apps.datasets.api.views", "apps.front.views", False),
        ("apps.documents.api.views", "apps.imports.store", True),  # interface uses domain
        ("apps.mentions.api.merge", "apps.actors.api.serializers", True),
        ("apps.actors.api.views", "apps.mentions.api.merge", False),  # upward API
        ("apps.annotations.sets", "apps.actors.api.serializers", False),  # domain uses API
        ("apps.front.views.review", "apps.review.queue", True),
        ("apps.review.queue", "apps.review.models", True),
        ("apps.review.queue", "django.db", True),
    ],
)
def test_the_rule(importer, imported, allowed):
    assert (breaks_rule(importer, imported) is None) == allowed


def test_an_upward_import_is_found(tmp_path, monkeypatch):
    """The walk itself finds a relative upward import in a real file tree."""
    app = tmp_path / "apps" / "documents"
    app.mkdir(parents=True)
    (app / "apps.py").write_text("")
    (app / "models.py").write_text("from ..annotations.models import Span\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "APPS_DIR", tmp_path / "apps")
    found = list(violations())
    assert found and "documents/models.py:1" in found[0] and "annotations" in found[0]
