from django.contrib import admin

from .models import ApiToken, Label

# Project and Membership are registered by apps.annotations.admin: removing a
# member there releases their annotation slots, which this app cannot reach.


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "project", "shortcut", "color"]
    list_filter = ["kind"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by signing in (POST /api/v1/auth/token/): here an
    administrator only sees them and revokes them (deletes)."""

    list_display = ["user", "name", "created_at", "expires_at", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "created_at", "expires_at", "last_used"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
