"""UIMA CAS XMI for INCEpTION, built with dkpro-cassis.

A zip of ``TypeSystem.xml`` and one ``.xmi`` per document (per annotator's
layer with ``source=all``, in a folder each). The type system holds two
INCEpTION custom layers, named as INCEpTION names its own custom layers so a
project with the same layers imports them:

- ``webanno.custom.Entity`` (span layer): ``label``, ``actorId``, ``actorName``, ``spanId``;
- ``webanno.custom.Stance`` (relation layer): ``Governor`` (the holder entity),
  ``Dependent`` (the target entity), ``polarity``, ``cue`` (an entity or
  null), ``stanceId``, and for a stance on a concept of the codebook
  ``conceptId`` and ``concept`` (its name) with no ``Dependent``; like
  INCEpTION's relations it spans its dependent (its holder, on a concept);
- ``webanno.custom.Category`` (span layer over the whole text, one per
  chosen document category): ``label`` and ``group``.

UIMA counts offsets in UTF-16 code units: cassis takes code points and writes
UTF-16 in the XMI (and converts back when it loads one), so an emoji shifts
the XMI's ``begin``/``end`` exactly as Java would see them.
"""

from collections.abc import Iterable, Iterator

from .records import DocumentRecord, ExportContext, FileNames, sets_of, stream_zip

ENTITY = "webanno.custom.Entity"
STANCE = "webanno.custom.Stance"
CATEGORY = "webanno.custom.Category"


def type_system():
    from cassis import TypeSystem

    ts = TypeSystem()
    entity = ts.create_type(ENTITY, supertypeName="uima.tcas.Annotation")
    for name in ("label", "actorId", "actorName", "spanId"):
        ts.create_feature(entity, name, "uima.cas.String")
    stance = ts.create_type(STANCE, supertypeName="uima.tcas.Annotation")
    ts.create_feature(stance, "Governor", ENTITY)
    ts.create_feature(stance, "Dependent", ENTITY)
    ts.create_feature(stance, "cue", ENTITY)
    ts.create_feature(stance, "polarity", "uima.cas.String")
    ts.create_feature(stance, "stanceId", "uima.cas.String")
    ts.create_feature(stance, "conceptId", "uima.cas.String")
    ts.create_feature(stance, "concept", "uima.cas.String")
    category = ts.create_type(CATEGORY, supertypeName="uima.tcas.Annotation")
    for name in ("label", "group"):
        ts.create_feature(category, name, "uima.cas.String")
    return ts


def cas_for(ts, document: DocumentRecord, aset, context: ExportContext):
    from cassis import Cas

    cas = Cas(typesystem=ts)
    cas.sofa_string = document.text
    cas.sofa_mime = "text/plain"
    Entity, Stance = ts.get_type(ENTITY), ts.get_type(STANCE)
    by_id = {}
    for span in aset.spans:
        actor = context.actors.get(span.actor) if span.actor is not None else None
        annotation = Entity(
            begin=span.start,
            end=span.end,
            label=span.label,
            spanId=span.id,
            actorId=None if span.actor is None else str(span.actor),
            actorName=actor.name if actor else None,
        )
        cas.add(annotation)
        by_id[span.id] = annotation
    for t in aset.stances:
        target = by_id[t.target] if t.target is not None else None
        covered = target if target is not None else by_id[t.holder]
        cas.add(
            Stance(
                begin=covered.begin,
                end=covered.end,
                Governor=by_id[t.holder],
                Dependent=target,
                cue=by_id.get(t.cue) if t.cue else None,
                polarity=t.polarity,
                stanceId=t.id,
                conceptId=None if t.concept is None else str(t.concept),
                concept=context.concept_name(t.concept) if t.concept is not None else None,
            )
        )
    Category = ts.get_type(CATEGORY)
    for name in aset.categories:
        group = context.category_groups.get(name)
        cas.add(Category(begin=0, end=len(document.text), label=name, group=group))
    return cas


def members(documents: Iterable[DocumentRecord], context: ExportContext):
    ts = type_system()
    yield "TypeSystem.xml", ts.to_xml()
    names = FileNames()
    for document in documents:
        for aset in sets_of(document):
            folder = f"{FileNames()(aset.owner)}/" if context.multi_layer and aset.owner else ""
            name = folder + names(document.external_id, folder)
            yield f"{name}.xmi", cas_for(ts, document, aset, context).to_xmi()


def write(documents: Iterable[DocumentRecord], context: ExportContext) -> Iterator[bytes]:
    return stream_zip(members(documents, context))
