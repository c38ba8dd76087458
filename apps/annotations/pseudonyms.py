"""Anonymous review: which names a member sees for annotators.

In a project with `anonymous_review`, members with the role reviewer see
pseudonyms instead of usernames wherever annotator sets appear; owners
(they manage the team) and annotators (blind projects already decide what
they see of others) see names. Two schemes, one for each scope:

- per document, "Annotator A", "B", … in the order of the document's
  annotator sets by set id (every status): the review screens, the queue,
  the document's sets and the actor mentions all name the same person with
  the same letter on that document;
- per project, "Annotator 1", "2", … in user-id order over everyone with an
  annotator set in the project: the agreement report spans documents, so
  per-document letters cannot be consistent there.

A filter that names a user (`?annotator=` on the agreement report,
`?assigned_to=` on the documents) goes through `filter_username`, so that
no answer can pair a username with a pseudonym: a reviewer under anonymous
review names annotators by their project pseudonym, never by username.

It lives in `annotations` so that both this app's endpoints and `review`
(which imports from here) use one rule.
"""

from collections.abc import Sequence
from string import ascii_uppercase

from apps.projects.errors import Forbidden, Invalid
from apps.projects.models import Role

from .models import AnnotationSet


def hides_names(membership) -> bool:
    """Whether this member sees pseudonyms instead of annotators' usernames."""
    return membership.project.anonymous_review and membership.role == Role.REVIEWER


def display_names(annotators: Sequence, anonymous: bool) -> dict:
    """Annotator -> the name a reviewer sees: itself, or "Annotator A", "B", …
    in the given order (AA, AB, … past Z)."""
    if not anonymous:
        return {a: a for a in annotators}
    names = {}
    for index, annotator in enumerate(annotators):
        letters, n = "", index
        while True:
            letters = ascii_uppercase[n % 26] + letters
            n = n // 26 - 1
            if n < 0:
                break
        names[annotator] = f"Annotator {letters}"
    return names


def document_names(document_ids) -> dict:
    """``{document id: {username: "Annotator X"}}`` for the documents (ids or a
    subquery), by the per-document rule above. One query."""
    rows = (
        AnnotationSet.objects.filter(
            document_id__in=document_ids, kind=AnnotationSet.Kind.ANNOTATOR
        )
        .order_by("id")
        .values_list("document_id", "author__username")
    )
    authors = {}
    for document_id, username in rows:
        authors.setdefault(document_id, []).append(username)
    return {doc: display_names(usernames, True) for doc, usernames in authors.items()}


def project_names(project) -> dict:
    """``{username: "Annotator n"}`` by the per-project rule above. One query."""
    usernames = (
        AnnotationSet.objects.filter(document__project=project, kind=AnnotationSet.Kind.ANNOTATOR)
        .order_by("author_id")
        .values_list("author__username", flat=True)
        .distinct()
    )
    return {username: f"Annotator {n}" for n, username in enumerate(usernames, 1)}


def filter_username(membership, user, value, field, names=None) -> str:
    """The username that `value`, given to the filter parameter `field`,
    names for this member (`user` is the member's user): the one rule for
    every filter on a user.

    - Your own username always names you.
    - In a blind project an annotator may name nobody else (403): they may
      not learn who took which document.
    - Under anonymous review (hides_names) a reviewer names an annotator by
      the project pseudonym the agreement report and the dashboard show,
      "Annotator n"; anything else, a username above all, is refused (400
      naming `field`), so that no answer pairs a username with a pseudonym.
      `names` is project_names() if the caller has it already; else it is
      read here (one query).
    - Anyone else names users by username.
    """
    if value == user.username:
        return value
    if membership.project.blind and not membership.has_role(Role.REVIEWER):
        raise Forbidden("In a blind project you may only filter by your own assignments.")
    if not hides_names(membership):
        return value
    if names is None:
        names = project_names(membership.project)
    by_pseudonym = {pseudonym: username for username, pseudonym in names.items()}
    if value in by_pseudonym:
        return by_pseudonym[value]
    if not names:
        known = "no annotator has a set yet"
    elif len(names) == 1:
        known = '"Annotator 1"'
    else:
        known = f'"Annotator 1" to "Annotator {len(names)}"'
    raise Invalid(
        f"takes an annotator's pseudonym under anonymous review ({known}, as the "
        "agreement report and the dashboard name them), not a username.",
        field=field,
    )
