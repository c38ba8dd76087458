from django.contrib import admin

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
