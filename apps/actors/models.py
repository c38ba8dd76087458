from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from apps.projects.models import Project

from .search import search_key

country_validator = RegexValidator(
    r"^[A-Z]{2}$", "A country is an ISO 3166-1 alpha-2 code in capitals, e.g. RU."
)
wikidata_validator = RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id looks like Q159.")


# Between the keys of a list's items (a concept's keywords): a line break,
# which a search key of one query never matches across (filter_q drops it).
KEY_SEPARATOR = "\n"


def keys_of(value):
    """The search key of a text, or of a list of texts each (joined by
    KEY_SEPARATOR, so `contains` finds a query inside one of them)."""
    if isinstance(value, list):
        return KEY_SEPARATOR.join(search_key(str(item)) for item in value)
    return search_key(value)


class SearchKeyField(models.TextField):
    """The search key (apps/actors/search.py) of another column, written on
    every save and bulk_create from that column, so no writer can forget it;
    of a JSON list of texts, their keys one per line (keys_of).
    bulk_update does not call pre_save: a caller updating the source column
    that way lists this field too and calls `refresh` first."""

    def __init__(self, *args, source, **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def refresh(self, instance):
        value = keys_of(getattr(instance, self.source))
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, model_instance, add):
        return self.refresh(model_instance)


class Actor(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"
        STATE = "state", "State"
        IGO = "igo", "Intergovernmental organization"
        GROUP = "group", "Group"
        OTHER = "other", "Other"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=300)
    name_key = SearchKeyField(source="name")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    wikidata_id = models.CharField(max_length=20, blank=True, validators=[wikidata_validator])
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A merged actor stays as a record of the merge; its mentions point to the survivor.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(merged_into=None),
                name="actor_unique_name",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="actor_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.name


class Alias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=300)
    text_key = SearchKeyField(source="text")
    case_sensitive = models.BooleanField(default=True)

    class Meta:
        ordering = ["text"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "text"], name="alias_unique_per_actor"),
        ]

    def __str__(self):
        return self.text


class Concept(models.Model):
    """An entry of the project's codebook: what an actor can take a position
    on without it being one span of the text ("state sovereignty", "the UN
    Charter"). Concepts form a hierarchy through `parent`; a merged concept
    stays as a record of the merge, like a merged actor, and its stances
    point to the survivor."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="concepts")
    name = models.CharField(max_length=300)
    name_key = SearchKeyField(source="name")
    description = models.TextField(blank=True)
    # RESTRICT: a concept with sub-concepts cannot be deleted on its own.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    # Words or phrases that pre-annotation may look for, ["sovereignty", ...].
    keywords = models.JSONField(default=list, blank=True)
    # Their search keys, one a line: the keyword search is one LIKE in the database.
    keywords_key = SearchKeyField(source="keywords")
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                condition=Q(merged_into=None),
                name="concept_unique_name",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="concept_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="concept_not_its_own_parent"
            ),
        ]

    def __str__(self):
        return self.name
