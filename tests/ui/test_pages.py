"""The server-rendered pages: who may open them, and that data stays text."""

import pytest

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document
from apps.projects.guidelines import render_guidelines
from apps.projects.models import Project
from tests.builders import browser_for, make_project

pytestmark = pytest.mark.django_db

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@pytest.fixture
def document(project):
    return Document.objects.create(project=project, external_id="d1", title="A title", text="Text.")


def pages(project, document):
    return [
        ("get", f"/projects/{project.pk}/"),
        ("get", f"/projects/{project.pk}/documents/{document.pk}/"),
        ("post", f"/projects/{project.pk}/next/"),
    ]


@pytest.mark.parametrize("index", range(3))
def test_anonymous_is_sent_to_sign_in(users, project, document, index):
    method, url = pages(project, document)[index]
    response = getattr(browser_for(users, None), method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("index", range(3))
def test_non_members_get_404_on_every_page(users, project, document, index):
    method, url = pages(project, document)[index]
    response = getattr(browser_for(users, "oscar"), method)(url)
    assert response.status_code == 404
    assert not AnnotationSet.objects.exists()  # "next" handed out nothing


def test_members_open_the_pages(users, project, document):
    client = browser_for(users, "ana")
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    page = client.get(f"/projects/{project.pk}/documents/{document.pk}/")
    assert page.status_code == 200
    assert b'id="accord-config"' in page.content


def test_document_of_another_project_is_404(users, project, document):
    other = Project.objects.create(name="Other")
    response = browser_for(users, "ana").get(f"/projects/{other.pk}/documents/{document.pk}/")
    assert response.status_code == 404
    response = browser_for(users, "ana").get(
        f"/projects/{project.pk}/documents/{document.pk + 1000}/"
    )
    assert response.status_code == 404


def test_home_is_the_project_list_or_sign_in(users, project):
    assert browser_for(users, None).get("/")["Location"] == "/accounts/login/"
    page = browser_for(users, "ana").get("/")
    assert page.status_code == 200
    assert project.name in page.content.decode()
    assert "Annotator" in page.content.decode()
    assert project.name not in browser_for(users, "oscar").get("/").content.decode()


def test_next_opens_a_document_then_says_none_is_left(users, project, document):
    client = browser_for(users, "ana")
    response = client.post(f"/projects/{project.pk}/next/")
    assert response["Location"] == f"/projects/{project.pk}/documents/{document.pk}/"
    AnnotationSet.objects.filter(author=users["ana"]).update(status="submitted")
    response = client.post(f"/projects/{project.pk}/next/", follow=True)
    assert "no document left" in response.content.decode()
    assert client.get(f"/projects/{project.pk}/next/").status_code == 405


def test_progress_counts(users, project, document, django_assert_max_num_queries):
    Document.objects.create(project=project, external_id="d2", text="More.")
    client = browser_for(users, "ana")
    client.post(f"/projects/{project.pk}/next/")
    with django_assert_max_num_queries(8):
        page = client.get("/").content.decode()
    assert "0 submitted · 1 assigned · 2 documents" in page
    assert "yours: 0 of 1 submitted" in page


def test_project_list_queries_do_not_grow_with_projects(users, django_assert_num_queries):
    client = browser_for(users, "ana")
    make_project(users)
    with django_assert_num_queries(5) as one:
        client.get("/")
    for _ in range(5):
        project = make_project(users)
        Document.objects.create(project=project, external_id="x", text="Text.")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/")


def test_data_is_escaped_everywhere(users, project):
    project.name = f"Project {XSS}"
    project.description = XSS
    project.guidelines = f"# Rules {XSS}\n\n- **bold** {XSS}\n"
    project.save()
    document = Document.objects.create(project=project, external_id="x", title=XSS, text=XSS)
    client = browser_for(users, "ana")
    for url in (
        "/",
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/documents/{document.pk}/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("# Title", "<h2>Title</h2>"),
        ("### Small", "<h4>Small</h4>"),
        ("one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>"),
        ("- a\n- **b**\n", "<ul><li>a</li><li><strong>b</strong></li></ul>"),
        ("1. first\n   goes on\n2. second", "<ol><li>first goes on</li><li>second</li></ol>"),
        ("use `code` and *this*", "<p>use <code>code</code> and <em>this</em></p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("[link](javascript:alert(1))", "<p>[link](javascript:alert(1))</p>"),
        ("<b>raw</b> & co", "<p>&lt;b&gt;raw&lt;/b&gt; &amp; co</p>"),
        ('**"quoted"**', "<p><strong>&quot;quoted&quot;</strong></p>"),
        ("", ""),
    ],
)
def test_guidelines_markdown_subset(markdown, html):
    assert render_guidelines(markdown) == html
