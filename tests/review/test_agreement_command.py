"""`manage.py agreement PROJECT` prints the report as tables."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.actors.models import Actor
from tests.builders import make_project

from .helpers import add_annotators, document, three_way

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(users, make_user):
    project = make_project(users, annotators_per_document=3)
    Actor.objects.create(project=project, name="Russia")
    Actor.objects.create(project=project, name="Venezuela")
    (cai,) = add_annotators(project, make_user, "cai")
    three_way(document(project), users["ana"], users["ben"], cai)
    return project


def run(*args):
    out = StringIO()
    call_command("agreement", *args, stdout=out)
    return out.getvalue()


def test_prints_tables(project):
    out = run(str(project.pk))
    assert out.startswith("Venezuela crisis: 1 documents, annotators ana, ben, cai")
    lines = out.splitlines()
    exact = next(line for line in lines if line.startswith("spans: F1 exact"))
    # ana-ben 2 of 4, ana-cai 1 of 4, ben-cai 1 of 4: 2 * 4 / 12.
    assert exact.split()[-2:] == ["0.667", "12"]
    assert any(line.split()[:2] == ["ana", "ben"] for line in lines)
    assert any(line.startswith("GPE") for line in lines)


def test_by_name_json_and_filters(project):
    report = json.loads(run(project.name, "--json", "--label", "GPE"))
    assert report["documents"] == 1 and list(report["spans"]["per_label"]) == ["GPE"]
    with pytest.raises(CommandError, match="label"):
        run(str(project.pk), "--label", "NOPE")
    with pytest.raises(CommandError, match="No project"):
        run("no such project")
