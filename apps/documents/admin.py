from django.contrib import admin
from django.db import models

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "title",
        "project",
        "outlet",
        "published",
        "annotator_count",
        "submitted_count",
    ]
    list_filter = ["project", "outlet", "published"]
    search_fields = ["external_id", "title"]
    list_select_related = ["project"]
    # A URL typed without a scheme is https, as Django 6 will assume anyway.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["created_at", "annotator_count", "submitted_count", "adjudicated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.text_is_annotated():
            fields.append("text")  # annotations point into it
        return fields
