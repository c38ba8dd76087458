"""Which columns of each model an archive carries, and how a value is read back.

Each archived model has a `Spec`: its *plain* columns (everything that is not
a relation: names, texts, settings, states, timestamps), written under their
own names and read back through the model field's own ``clean`` (types,
choices, lengths, validators), so a new plain column is archived without
touching this file; the relations it carries in its own way (users by
username, actors by archive id, labels by name); and the columns it leaves
out because they are *derived* (recomputed on restore) or *instance-specific*.
`tests/datasets/test_archive.py` fails when a model or a column is in none of
these lists.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from apps.actors.models import Actor, Alias, Concept
from apps.annotations.models import AnnotationSet, SetCategory, Span, Stance
from apps.documents.models import Document, ReviewableCount
from apps.projects.models import (
    ApiToken,
    CategoryGroup,
    Job,
    JobFile,
    JobFileChunk,
    Label,
    Membership,
    Project,
)
from apps.review.models import AdjudicationEvent, Decision, ModelDisagreement

from ..models import Release, ReleaseFile


@dataclass(frozen=True)
class Spec:
    model: type
    # Relations (and special columns) the archive writes in its own shape.
    carried: tuple = ()
    # Columns recomputed on restore from what the archive holds.
    derived: tuple = ()
    # Columns that mean something only in the instance that wrote them.
    instance: tuple = ()

    @property
    def plain(self):
        """The plain columns: concrete, not the key, not a relation, not left out."""
        skip = {*self.carried, *self.derived, *self.instance}
        return tuple(
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key and not f.is_relation and f.name not in skip
        )


SPECS = {
    "project": Spec(Project, carried=("created_by",)),
    "member": Spec(Membership, carried=("project", "user")),
    "category_group": Spec(CategoryGroup, carried=("project",)),
    "label": Spec(Label, carried=("project", "group")),
    "actor": Spec(Actor, carried=("project", "merged_into", "merged_by"), derived=("name_key",)),
    "concept": Spec(
        Concept,
        carried=("project", "parent", "merged_into", "merged_by"),
        derived=("name_key", "keywords_key"),
    ),
    "alias": Spec(Alias, carried=("actor",), derived=("text_key",)),
    "document": Spec(
        Document,
        carried=("project",),
        derived=(
            "annotator_count",
            "submitted_count",
            "wanted",
            "shuffle_seed",
            "last_submitted_at",
            "last_activity",
            "disagreement",
            # Generated columns: the database computes them from the counts.
            "shuffle",
            "claimable",
            "reviewable",
        ),
    ),
    "set": Spec(AnnotationSet, carried=("document", "author")),
    "span": Spec(Span, carried=("set", "label", "actor")),
    "stance": Spec(
        Stance, carried=("set", "sid", "holder", "target", "concept", "polarity", "cue")
    ),
    # A set's categories are the label names in its record's `categories`.
    "set_category": Spec(SetCategory, carried=("set", "label")),
    "decision": Spec(Decision, carried=("document", "reviewer", "reversed_by", "annotators")),
    "event": Spec(AdjudicationEvent, carried=("document", "user")),
    "release": Spec(Release, carried=("project", "created_by", "manifest_file"), instance=("job",)),
}

# Models an archive does not hold, and why.
NOT_ARCHIVED = {
    Job: "background work of the source instance; a restore starts none",
    JobFile: "a job's upload, kept only until its job ends",
    JobFileChunk: "a piece of a job's upload, kept only until its job ends",
    ApiToken: "a person's credentials on the source instance, never carried elsewhere",
    ReviewableCount: "the length of the review queue, counted by the database as the "
    "documents are restored",
    ModelDisagreement: "each document's disagreement with a model, computed again from "
    "the restored sets as they are written",
    ReleaseFile: "a release's data files; the archive holds its manifest, not its files",
    # By label: the recommender sits above the datasets app, which may not import it.
    "recommender.RecommenderSettings": "the recommender is switched on per instance: a restored "
    "project starts with it off, to be set on its recommender page",
    "recommender.RecommenderModel": "trained versions are rebuilt from the restored gold by "
    "training again; the bytes of a CRF are not a dataset",
}


def decode(spec, record, where, errors, exclude=()):
    """The plain columns of `record` cleaned by their model fields, as
    ``{name: value}``; a column the record lacks takes the field's default.
    Every problem is appended to `errors` as ``(where, field, message)``."""
    out = {}
    for name in spec.plain:
        if name in exclude:
            continue
        field = spec.model._meta.get_field(name)
        if name not in record:
            if not (field.has_default() or field.null or field.blank):
                errors.append((where, name, "is required"))
            continue
        value = record[name]
        try:
            out[name] = field.clean(value, None)
        except ValidationError as exc:
            errors.append((where, name, " ".join(exc.messages)))
    return out


def unknown_keys(spec, record, extra):
    """Keys of `record` that are neither plain columns nor the `extra` the
    record type carries: an archive of another format version."""
    return sorted(set(record) - set(spec.plain) - set(extra) - {"type"})
