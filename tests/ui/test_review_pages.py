"""The reviewer's pages: who may open them, fixed queries, and that data stays text."""

import pytest

from apps.documents.models import Document
from apps.review.gold import gold_set_of
from tests.builders import annotate, browser_for, make_project, span_at
from tests.review.helpers import document, k3_project

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def k3(users, make_user):
    return k3_project(users, make_user)


def pages(project, doc):
    return [
        f"/projects/{project.pk}/review/",
        f"/projects/{project.pk}/review/{doc.pk}/",
        f"/projects/{project.pk}/dashboard/",
    ]


@pytest.mark.parametrize("index", range(3))
@pytest.mark.parametrize(
    ("username", "status"),
    [("olga", 200), ("rita", 200), ("ana", 403), ("ben", 403), ("oscar", 404)],
)
def test_who_may_open_each_page(users, k3, index, username, status):
    url = pages(*k3)[index]
    assert browser_for(users, username).get(url).status_code == status


@pytest.mark.parametrize("index", range(3))
def test_anonymous_is_sent_to_sign_in(users, k3, index):
    url = pages(*k3)[index]
    response = browser_for(users, None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_document_of_another_project_is_404(users, k3):
    project, doc = k3
    other = make_project(users)
    client = browser_for(users, "rita")
    assert client.get(f"/projects/{other.pk}/review/{doc.pk}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/review/{doc.pk + 1000}/").status_code == 404


def test_project_page_links_to_review_for_reviewers_only(users, k3):
    project, _ = k3
    for username, shown in (("olga", True), ("rita", True), ("ana", False)):
        page = browser_for(users, username).get(f"/projects/{project.pk}/").content.decode()
        assert (f'href="/projects/{project.pk}/review/"' in page) is shown
        assert (f'href="/projects/{project.pk}/dashboard/"' in page) is shown


def test_queue_lists_documents_most_disagreement_first(users, make_user, k3):
    project, contested = k3
    cai = users["ana"].__class__.objects.get(username="cai")
    agreed = document(project, "d2")
    same = [span_at("s1", {"start": 0, "end": 6, "label": "GPE"})]
    for who in (users["ana"], users["ben"], cai):
        annotate(agreed, who, same)
    unfinished = document(project, "d3")
    annotate(unfinished, users["ana"], same)
    page = browser_for(users, "rita").get(f"/projects/{project.pk}/review/").content.decode()
    contested_at = page.index(f"/projects/{project.pk}/review/{contested.pk}/")
    agreed_at = page.index(f"/projects/{project.pk}/review/{agreed.pk}/")
    assert contested_at < agreed_at
    assert f"/review/{unfinished.pk}/" not in page
    assert "ana, ben, cai" in page
    assert "awaiting review" in page
    # Once a gold set exists the document is "in review".
    gold_set_of(contested, users["rita"])
    page = browser_for(users, "rita").get(f"/projects/{project.pk}/review/").content.decode()
    assert "in review" in page


def test_anonymous_review_hides_names_in_the_queue(users, k3):
    project, _ = k3
    project.anonymous_review = True
    project.save()
    page = browser_for(users, "rita").get(f"/projects/{project.pk}/review/").content.decode()
    assert "Annotator A, Annotator B, Annotator C" in page
    assert "ben" not in page.split("<table", 1)[1]


def _fill(project, users, cai, n, start):
    same = [span_at("s1", {"start": 0, "end": 6, "label": "GPE"})]
    for i in range(n):
        doc = document(project, f"more-{start + i}")
        for who in (users["ana"], users["ben"], cai):
            annotate(doc, who, same)


def test_queue_page_runs_a_fixed_number_of_queries(
    users, k3, django_assert_num_queries, django_assert_max_num_queries
):
    project, _ = k3
    cai = users["ana"].__class__.objects.get(username="cai")
    client = browser_for(users, "rita")
    url = f"/projects/{project.pk}/review/"
    client.get(url)  # scores cached
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    small_count = len(small)
    _fill(project, users, cai, 6, 0)
    client.get(url)  # the new documents' scores are computed once, then cached
    with django_assert_num_queries(small_count):
        page = client.get(url).content.decode()
    assert page.count("awaiting review") == 7


def test_dashboard_counts_documents_by_status(users, k3, django_assert_max_num_queries):
    project, _ = k3
    Document.objects.create(project=project, external_id="new", text="Fresh text.")
    annotate(document(project, "half"), users["ana"], [], submit=False)
    client = browser_for(users, "olga")
    with django_assert_max_num_queries(8):
        page = client.get(f"/projects/{project.pk}/dashboard/").content.decode()
    assert "new: <strong>1</strong>" in page
    assert "in progress: <strong>1</strong>" in page
    assert "awaiting review: <strong>1</strong>" in page
    assert "adjudicated: <strong>0</strong>" in page
    assert "3 documents" in page  # pluralized


def test_data_is_escaped_everywhere(users, k3):
    project, doc = k3
    project.name = f"Project {XSS}"
    project.save()
    doc.title = XSS
    doc.save(update_fields=["title"])
    client = browser_for(users, "rita")
    for url in pages(project, doc):
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert 'onerror="alert(2)"' not in page
        assert "&lt;script&gt;alert(1)" in page or "\\u003Cscript\\u003E" in page


def test_the_dashboard_table_names_annotators_as_the_report_does_under_anonymous_review(
    users, project
):
    from tests.builders import make_document

    annotate(make_document(project, "d1", text="Moscow spoke."), users["ana"])
    project.anonymous_review = True
    project.save()
    html = browser_for(users, "rita").get(f"/projects/{project.pk}/dashboard/").content.decode()
    table = html[
        html.index('id="annotator-table"') : html.index(
            "</table>", html.index('id="annotator-table"')
        )
    ]
    assert "Annotator 1" in table and "ana" not in table
    owner = browser_for(users, "olga").get(f"/projects/{project.pk}/dashboard/").content.decode()
    assert 'data-name="ana"' in owner
