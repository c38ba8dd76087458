"""The server-rendered pages around the workspace: project list and project page.

Every page of a project resolves the caller's membership first, so a
non-member gets 404 exactly as in the API; anonymous visitors are sent to
sign in. Data reaches templates as plain values and is escaped there.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from apps.annotations.models import AnnotationSet
from apps.documents.models import Document, status_q
from apps.projects.guidelines import render_guidelines
from apps.projects.labels import ORDER as LABEL_ORDER
from apps.projects.models import Label, Membership, Role
from apps.projects.permissions import project_page


def home(request):
    """The project list for signed-in users, the sign-in page for everyone else."""
    if not request.user.is_authenticated:
        return redirect("login")
    return project_list(request)


def _progress(project_ids, user):
    """{project id: counts} for the project list, in two queries whatever the number."""
    zero = {"total": 0, "assigned": 0, "submitted": 0, "mine": 0, "mine_done": 0}
    counts = {pk: dict(zero) for pk in project_ids}
    rows = (
        Document.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(
            total=Count("id"),
            assigned=Count("id", filter=Q(annotator_count__gt=0)),
            # Done as the document's status says: all the annotators it
            # wants submitted, or adjudicated.
            submitted=Count(
                "id",
                filter=status_q(Document.Status.ANNOTATED) | status_q(Document.Status.ADJUDICATED),
            ),
        )
    )
    for row in rows:
        counts[row["project_id"]].update(
            total=row["total"], assigned=row["assigned"], submitted=row["submitted"]
        )
    mine = (
        AnnotationSet.objects.filter(
            kind=AnnotationSet.Kind.ANNOTATOR, author=user, document__project_id__in=project_ids
        )
        .values("document__project_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=AnnotationSet.Status.SUBMITTED)),
        )
    )
    for row in mine:
        counts[row["document__project_id"]].update(mine=row["n"], mine_done=row["done"])
    for c in counts.values():
        total = c["total"] or 1
        c["segments"] = [
            ("done", 100 * c["submitted"] / total),
            ("assigned", 100 * (c["assigned"] - c["submitted"]) / total),
        ]
        c["bar_label"] = (
            f"{c['submitted']} submitted, {c['assigned']} assigned, {c['total']} documents"
        )
    return counts


@login_required
def project_list(request):
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .order_by("project__name", "project_id")
    )
    progress = _progress([m.project_id for m in memberships], request.user)
    rows = [{"membership": m, "project": m.project, **progress[m.project_id]} for m in memberships]
    return render(request, "projects/list.html", {"rows": rows})


@project_page(Role.ANNOTATOR)
def project_detail(request, membership):
    project = membership.project
    labels = list(
        Label.objects.filter(project=project).select_related("group").order_by(*LABEL_ORDER)
    )
    queue = list(
        AnnotationSet.objects.filter(
            kind=AnnotationSet.Kind.ANNOTATOR, author=request.user, document__project=project
        )
        .select_related("document")
        .only(
            "id",
            "status",
            "version",
            "updated_at",
            "document__id",
            "document__title",
            "document__external_id",
        )
        .order_by("status", "-updated_at")
    )
    context = {
        "project": project,
        "membership": membership,
        "guidelines": render_guidelines(project.guidelines),
        "entity_labels": [label for label in labels if label.kind == Label.Kind.ENTITY],
        "stance_labels": [label for label in labels if label.kind == Label.Kind.STANCE],
        # Group by group, each in the schema's order, as the workspace shows them.
        "category_labels": sorted(
            (label for label in labels if label.kind == Label.Kind.CATEGORY),
            key=lambda label: (label.group.position, label.group.name) if label.group else (0, ""),
        ),
        "in_progress": [s for s in queue if s.status == AnnotationSet.Status.IN_PROGRESS],
        "submitted": [s for s in queue if s.status == AnnotationSet.Status.SUBMITTED],
        "progress": _progress([project.pk], request.user)[project.pk],
    }
    return render(request, "projects/detail.html", context)
