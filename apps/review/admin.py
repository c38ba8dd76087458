from django.contrib import admin

from .models import AdjudicationEvent, Decision


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are records; they change only through the API's reversal."""

    list_display = ["id", "document", "action", "item_type", "reviewer", "source", "created_at"]
    list_filter = ["action", "item_type", "source"]
    raw_id_fields = ["document", "reviewer", "reversed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AdjudicationEvent)
class AdjudicationEventAdmin(admin.ModelAdmin):
    list_display = ["id", "document", "action", "user", "at"]
    list_filter = ["action"]
    raw_id_fields = ["document", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
