from django.contrib import admin, messages
from django.db import router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse

from apps.projects.admin import LabelInline
from apps.projects.models import Membership, Project, Role

from .members import LastOwner, add_member, change_role, remove_member, remove_members
from .models import AnnotationSet, Span, Stance


class SpanInline(admin.TabularInline):
    model = Span
    extra = 0
    fields = ["sid", "start", "end", "label", "actor"]
    raw_id_fields = ["actor"]


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    fields = ["sid", "holder", "target", "polarity", "cue"]
    raw_id_fields = ["holder", "target", "cue"]


@admin.register(AnnotationSet)
class AnnotationSetAdmin(admin.ModelAdmin):
    """Read-mostly: sets change through the API, which checks offsets and
    versions; the admin is for looking."""

    list_display = ["id", "document", "kind", "author", "source", "status", "version", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["document__external_id", "author__username"]
    list_select_related = ["document", "author"]
    readonly_fields = [
        "document",
        "kind",
        "author",
        "source",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    inlines = [SpanInline, StanceInline]

    def has_add_permission(self, request):
        return False

    def get_inlines(self, request, obj):
        return self.inlines

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted set would leave its document's annotator and submitted
        # counts stale (assignment would refuse annotators forever).
        return False


# --------------------------------------------------------------------------- projects and members
# Registered here, not in apps.projects.admin: every change to a membership
# goes through apps.annotations.members, which releases a removed member's
# annotation slots, and projects may not import annotations.


class RefusalAsMessage:
    """Show the members service's refusal (the last owner) as an error
    message on the page it came from. The exception leaves the view's
    transaction, so nothing of the request is kept, its log entries neither."""

    def _refused(self, request, error, url):
        self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(url)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LastOwner as error:
            return self._refused(request, error, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except LastOwner as error:
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return self._refused(request, error, url)

    def changelist_view(self, request, extra_context=None):
        # The bulk delete action is not atomic by itself.
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except LastOwner as error:
            return self._refused(request, error, request.get_full_path())


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.initial_forms:
            if "user" in form.changed_data:
                form.add_error(
                    "user", "A membership's user cannot change; remove it and add the other user."
                )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(RefusalAsMessage, admin.ModelAdmin):
    list_display = ["name", "annotators_per_document", "blind", "assignment_order", "created_at"]
    list_filter = ["blind", "assignment_order"]
    search_fields = ["name", "description"]
    inlines = [MembershipInline, LabelInline]
    readonly_fields = ["created_at", "created_by"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # saves nothing: the service does, below
        for membership in formset.new_objects:
            add_member(membership)
        # New owners first, so that handing the project over in one save
        # never finds it without an owner halfway.
        changed = sorted(
            (membership for membership, _ in formset.changed_objects),
            key=lambda membership: membership.role != Role.OWNER,
        )
        for membership in changed:
            change_role(membership, membership.role)
        remove_members(formset.deleted_objects)


@admin.register(Membership)
class MembershipAdmin(RefusalAsMessage, admin.ModelAdmin):
    list_display = ["user", "project", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["user", "project"]

    def get_readonly_fields(self, request, obj=None):
        # As in the API: to move a membership, remove it and add another.
        return ["project", "user", "created_at"] if obj is not None else ["created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            change_role(obj, obj.role)
        else:
            add_member(obj)

    def delete_model(self, request, obj):
        remove_member(obj)

    def delete_queryset(self, request, queryset):
        remove_members(queryset)
