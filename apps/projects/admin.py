from django.contrib import admin

from .models import Label

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
