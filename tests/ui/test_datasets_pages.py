"""The datasets page: who may open it, what each role is offered, that data stays text."""

import json
import re

import pytest

from apps.datasets.formats import FORMATS
from apps.projects.limits import MAX_SEED, MIN_SEED
from apps.projects.models import Label
from tests.builders import browser_for, make_project

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def page_url(project):
    return f"/projects/{project.pk}/datasets/"


def config_of(html):
    match = re.search(r'<script id="accord-config" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 200), ("ana", 403), ("ben", 403), ("oscar", 404)],
)
def test_who_may_open_the_page(users, project, username, status):
    assert browser_for(users, username).get(page_url(project)).status_code == status


def test_anonymous_is_sent_to_sign_in(users, project):
    response = browser_for(users, None).get(page_url(project))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_url(project)}"


def test_unknown_project_is_404(users, project):
    response = browser_for(users, "olga").get(f"/projects/{project.pk + 99}/datasets/")
    assert response.status_code == 404


def test_project_page_links_to_datasets_for_reviewers_and_owners_only(users, project):
    for username, shown in (("olga", True), ("rita", True), ("ana", False)):
        html = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
        assert (f'href="{page_url(project)}"' in html) is shown


def test_owners_see_the_build_form_and_names_reviewers_do_not(users, project):
    owner = browser_for(users, "olga").get(page_url(project)).content.decode()
    reviewer = browser_for(users, "rita").get(page_url(project)).content.decode()
    assert 'id="release-form"' in owner and 'id="release-form"' not in reviewer
    assert '<option value="names">' in owner and '<option value="names">' not in reviewer
    assert "Only an owner may export annotators' names, or open a release built with them." in (
        reviewer
    )
    assert config_of(owner)["isOwner"] is True
    assert config_of(reviewer)["isOwner"] is False


def test_every_format_is_offered_with_its_offset_unit_and_text_need(users, project):
    html = browser_for(users, "rita").get(page_url(project)).content.decode()
    offered = {f["name"]: f for f in config_of(html)["formats"]}
    assert list(offered) == list(FORMATS)
    assert offered["doccano"]["unit"] == "offsets in UTF-16 code units"
    assert offered["jsonl"]["unit"] == "offsets in code points"
    assert offered["conll"]["unit"] == "token positions"
    assert offered["conll"]["needsText"] is True and offered["jsonl"]["needsText"] is False
    assert all(f["description"] for f in offered.values())
    for name, fmt in FORMATS.items():
        assert offered[name]["available"] is fmt.available()
        assert (f'<option value="{name}" disabled>' in html) is not fmt.available()


def test_the_label_filter_lists_the_projects_labels(users, project):
    html = browser_for(users, "rita").get(page_url(project)).content.decode()
    for name in ("PERSON", "ORG", "GPE", "SUPPORT", "OPPOSE", "NEUTRAL"):
        assert f'<option value="{name}">{name}</option>' in html
    other = make_project(users)
    Label.objects.create(project=other, kind=Label.Kind.ENTITY, name="ELSEWHERE")
    html = browser_for(users, "rita").get(page_url(project)).content.decode()
    assert "ELSEWHERE" not in html


def test_the_page_runs_a_fixed_number_of_queries(users, project, django_assert_max_num_queries):
    client = browser_for(users, "rita")
    with django_assert_max_num_queries(6) as small:
        client.get(page_url(project))
    for i in range(30):
        Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=f"EXTRA{i}")
    with django_assert_max_num_queries(len(small)):
        html = client.get(page_url(project)).content.decode()
    assert "EXTRA29" in html


def test_data_is_escaped_everywhere(users, project):
    project.name = f"Project {XSS}"
    project.save()
    Label.objects.create(project=project, kind=Label.Kind.ENTITY, name=XSS[:50])
    for username in ("olga", "rita"):
        html = browser_for(users, username).get(page_url(project)).content.decode()
        assert "<script>alert(1)" not in html
        assert 'onerror="alert(2)"' not in html
        assert "&lt;script&gt;alert(1)" in html


def test_the_seed_inputs_state_the_range_the_api_takes(users, project):
    body = browser_for(users, "olga").get(page_url(project)).content.decode()
    for input_id in ("x-seed", "r-seed"):
        tag = re.search(rf'<input [^>]*id="{input_id}"[^>]*>', body).group(0)
        assert f'min="{MIN_SEED}" max="{MAX_SEED}"' in tag
