from django.contrib import admin

from .models import Label, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "annotators_per_document", "blind", "assignment_order", "created_at"]
    list_filter = ["blind", "assignment_order"]
    search_fields = ["name", "description"]
    inlines = [MembershipInline, LabelInline]
    readonly_fields = ["created_at", "created_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "project__name"]
    list_select_related = ["user", "project"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "project", "shortcut", "color"]
    list_filter = ["kind"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
