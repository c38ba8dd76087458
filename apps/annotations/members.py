"""Adding, re-roling and removing project members: the one way, for the API
and the admin alike.

Two rules hold whatever the path: a project keeps at least one owner, and a
removed annotator's unfinished slots go back to their documents, in the same
transaction as the removal. The second is annotation state, and `projects`
may not import `annotations`, so this service lives here, one layer above
the models it changes; the members API and the Project and Membership admins
live in this app for the same reason. Called directly rather than through a signal, so no
path can delete a membership and forget the slots.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from apps.projects.errors import Invalid
from apps.projects.models import Membership, Project, Role

from .assignment import release_unfinished_of


class LastOwner(Exception):
    """The change would leave a project without an owner. str() says so, for
    the API's 400 and the admin's error message."""

    def __init__(self, project):
        self.project = project
        super().__init__(
            f"The project “{project}” needs at least one owner; make someone else owner first."
        )


def _keep_an_owner(leaving):
    """Refuse if the memberships in `leaving` ({pk: project id}), about to
    stop being owners, are all the owners a project has.

    Call it inside the transaction that makes the change: the owner rows stay
    locked until it commits, so two owners removing each other at once cannot
    both pass. Who is an owner is read under the lock, not from instances,
    which may be stale (or carry a form's unsaved edits).
    """
    owners = {}
    # Locked in one order, so two changes spanning the same projects cannot deadlock.
    for pk, project_id in (
        Membership.objects.select_for_update()
        .filter(project_id__in=set(leaving.values()), role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", "project_id")
    ):
        owners.setdefault(project_id, set()).add(pk)
    for project_id, pks in owners.items():
        if not pks - leaving.keys():
            raise LastOwner(Project.objects.get(pk=project_id))


def add_member(membership):
    """Save a new (unsaved) membership and return it."""
    membership.save(force_insert=True)
    return membership


def create_account(project, username, email="", role=Role.ANNOTATOR):
    """A new user with no usable password yet, member of `project` with
    `role`, in one transaction: no account is left behind without its
    membership. The caller hands the person a link to set the password."""
    try:
        with transaction.atomic():
            # No password given: create_user makes it unusable until the link sets one.
            user = get_user_model().objects.create_user(username, email=email or "")
            return add_member(Membership(project=project, user=user, role=role))
    except IntegrityError as exc:
        # The form checked the name is free; another request took it since.
        raise Invalid(f"There is already an account named {username}.", field="username") from exc


def change_role(membership, role):
    """Give the member `role`; raises LastOwner for the project's last owner."""
    with transaction.atomic():
        if role != Role.OWNER:
            _keep_an_owner({membership.pk: membership.project_id})
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_members(memberships):
    """Remove the memberships (instances or a queryset), releasing each
    member's unfinished annotator sets in that project. All or nothing:
    raises LastOwner if a project would be left without an owner, and then
    nothing changes."""
    pks = [m.pk for m in memberships]
    with transaction.atomic():
        # Who and where, from the rows: a membership's project and user never
        # change, but an instance may carry a form's unsaved edits.
        rows = list(
            Membership.objects.filter(pk__in=pks).values_list("pk", "project_id", "user_id")
        )
        if not rows:
            return
        _keep_an_owner({pk: project_id for pk, project_id, _ in rows})
        # The leaving rows next, before any document: a claim locks its
        # member's row and then a document, so this order cannot deadlock
        # with it, and a claim waiting on the row finds the member gone.
        list(Membership.objects.select_for_update().filter(pk__in=pks).order_by("pk").values("pk"))
        release_unfinished_of([(project_id, user_id) for _, project_id, user_id in rows])
        Membership.objects.filter(pk__in=pks).delete()


def remove_member(membership):
    remove_members([membership])
