from django.contrib import admin

from .models import Actor, Alias


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 1


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "wikidata_id", "project", "merged_into"]
    list_filter = ["kind", "project"]
    search_fields = ["name", "aliases__text", "wikidata_id"]
    list_select_related = ["project", "merged_into"]
    readonly_fields = ["created_at", "merged_into", "merged_at", "merged_by"]
    inlines = [AliasInline]
