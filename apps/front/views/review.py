"""The reviewer's pages: the review queue, the adjudication screen, the dashboard.

Reviewers and owners only: an annotator gets 403, a non-member 404 (as in the
API), an anonymous visitor is sent to sign in. The adjudication screen and the
dashboard's charts are shells: static/accord/review.js and dashboard.js read
and write everything through the review API. The queue and the dashboard's
progress are rendered here, in a fixed number of queries.
"""

from urllib.parse import quote

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from apps.annotations.models import AnnotationSet
from apps.annotations.pseudonyms import display_names, hides_names, project_names
from apps.documents.models import Document, reviewable_count, status_q
from apps.projects.models import Role
from apps.projects.pagination import CountedPaginator
from apps.projects.permissions import project_page
from apps.review.progress import annotator_progress
from apps.review.queue import SORTS, model_source, review_queue

from .api_urls import project_api
from .workspace import document_page_config

QUEUE_PAGE_SIZE = 100


def _annotators_by_document(membership, document_ids):
    """{document id: (annotator names as a reviewer sees them, has a gold set)}.

    One query. Names follow the review API's rule (display_names over
    the document's annotator sets in set order), so "Annotator B" in the queue
    is "Annotator B" on the adjudication screen.
    """
    rows = (
        AnnotationSet.objects.filter(
            document_id__in=document_ids,
            kind__in=[AnnotationSet.Kind.ANNOTATOR, AnnotationSet.Kind.GOLD],
        )
        .order_by("id")
        .values_list("document_id", "kind", "author__username")
    )
    authors = {pk: [] for pk in document_ids}
    gold = set()
    for document_id, kind, username in rows:
        if kind == AnnotationSet.Kind.GOLD:
            gold.add(document_id)
        else:
            authors[document_id].append(username)
    out = {}
    for pk, usernames in authors.items():
        names = display_names(usernames, hides_names(membership))
        out[pk] = ([names[u] for u in usernames], pk in gold)
    return out


def _prediction_sources(project):
    """The prediction sources of the project, by name, in one query."""
    return list(
        AnnotationSet.objects.filter(document__project=project, kind=AnnotationSet.Kind.PREDICTION)
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()
    )


def _pct(value):
    return None if value is None else round(100 * value)


@project_page(Role.REVIEWER)
def queue_page(request, membership):
    project = membership.project
    sources = _prediction_sources(project)
    # The controls offer only what exists; anything else is the default.
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "disagreement"
    chosen = request.GET.get("source") if request.GET.get("source") in sources else None
    source = model_source(project, chosen) if sort == "model" else None
    fields = ["id", "external_id", "title", "submitted_count", "wanted", "disagreement"]
    if sort == "model":
        fields.append("model_disagreement")
    rows = review_queue(project, sort, source).values(*fields)
    page = CountedPaginator(rows, QUEUE_PAGE_SIZE, reviewable_count(project)).get_page(
        request.GET.get("page")
    )
    documents = list(page.object_list)
    names = _annotators_by_document(membership, [d["id"] for d in documents])
    for d in documents:
        d["annotators"], started = names[d["id"]]
        d["status"] = "in review" if started else "awaiting review"
        d["score_pct"] = _pct(d["disagreement"])
        d["score_segments"] = [("score", d["score_pct"])]
        d["score_label"] = f"{d['score_pct']}% disagreement"
        if sort == "model":
            d["model_pct"] = _pct(d["model_disagreement"])
            d["model_segments"] = [("score", d["model_pct"])]
            d["model_label"] = f"{d['model_pct']}% disagreement with {source}"
    query = {"sort": sort, **({"source": chosen} if chosen else {})} if sort == "model" else {}
    return render(
        request,
        "review/queue.html",
        {
            "project": project,
            "membership": membership,
            "page": page,
            "documents": documents,
            "sort": sort,
            "sources": sources,
            "chosen_source": chosen,
            "source": source,
            "sort_query": "&".join(f"{k}={quote(v)}" for k, v in query.items()),
        },
    )


@project_page(Role.REVIEWER)
def adjudicate_page(request, membership, document_pk):
    project = membership.project
    document, config = document_page_config(
        request, membership, document_pk, "id", "title", "external_id"
    )
    config["queuePage"] = reverse("review-queue-page", args=[project.pk])
    # The adjudication screen of document d is reviewPage + d + "/".
    config["reviewPage"] = reverse("review-queue-page", args=[project.pk])
    return render(
        request,
        "review/adjudicate.html",
        {"project": project, "membership": membership, "document": document, "config": config},
    )


STATUSES = [
    (Document.Status.NEW, "new"),
    (Document.Status.IN_PROGRESS, "in progress"),
    (Document.Status.ANNOTATED, "awaiting review"),
    (Document.Status.ADJUDICATED, "adjudicated"),
]


def status_counts(project):
    """{status: count} of the project's documents, in one query."""
    # status_q is document_status() as a filter: one rule for every count.
    return Document.objects.filter(project=project).aggregate(
        total=Count("id"),
        **{status.value: Count("id", filter=status_q(status)) for status, _ in STATUSES},
    )


@project_page(Role.REVIEWER)
def dashboard_page(request, membership):
    project = membership.project
    counts = status_counts(project)
    total = counts["total"] or 1
    progress = [
        {
            "status": status,
            "name": name,
            "count": counts[status],
            "pct": round(100 * counts[status] / total, 1),
        }
        for status, name in STATUSES
    ]
    # Under anonymous review reviewers see "Annotator n", the agreement
    # report's names, so a row and its agreement figures match; in that
    # order too, or the rows' alphabetical order of the hidden usernames
    # would pair them with the members list.
    annotators = [{**row, "name": row["username"]} for row in annotator_progress(project)]
    if hides_names(membership):
        names = project_names(project)
        rank = {username: i for i, username in enumerate(names)}
        annotators.sort(key=lambda row: rank[row["username"]])
        for row in annotators:
            row["name"] = names[row.pop("username")]
    config = {"project": project.pk, "api": project_api(project)}
    return render(
        request,
        "review/dashboard.html",
        {
            "project": project,
            "membership": membership,
            "progress": progress,
            "progress_segments": [(f"st-{p['status']}", p["pct"]) for p in progress],
            "progress_label": ", ".join(f"{p['count']} {p['name']}" for p in progress),
            "total": counts["total"],
            "annotators": annotators,
            "config": config,
        },
    )
