"""Building a release: every format × split as a file in Django's storage, and the manifest.

``create_release`` checks the request and starts the job; ``build_release``
is the job's handler. A release is built once: the handler refuses one that
is not pending, files are saved under a path of their own (never
overwritten), and nothing updates a ready release.
"""

import hashlib
import json
import tempfile
from contextlib import contextmanager

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.actors.models import Concept
from apps.projects.jobs import JobError, start_job
from apps.projects.models import Job
from apps.review import agreement
from apps.review.report import category_groups

from .export import Exporter, buffered, check_names_allowed
from .formats import FORMATS
from .models import Release, ReleaseFile
from .options import CLAIMS_FORMATS, ExportOptions, OptionsError, parse_release
from .provenance import gold_provenance

BOOTSTRAP_ITERATIONS = 200


def create_release(project, data, user):
    """Create a pending release and start the job that builds it; returns (release, job)."""
    clean = parse_release(data)
    check_concepts(project, clean["claims_window"].get("concepts"))
    try:
        with transaction.atomic():
            release = Release.objects.create(project=project, created_by=user, **clean)
    except IntegrityError:
        raise OptionsError(
            "name", f'This project already has a release named "{clean["name"]}".'
        ) from None
    job = start_job(
        project, "release", "apps.datasets.releases.build_release", {"release_id": release.pk}, user
    )
    Release.objects.filter(pk=release.pk, job=None).update(job=job)
    release.refresh_from_db()
    return release, job


def check_concepts(project, ids):
    """Every concept a release's window names is a current concept of the project."""
    if not ids:
        return
    live = set(
        Concept.objects.filter(project=project, pk__in=ids, merged_into=None).values_list(
            "pk", flat=True
        )
    )
    missing = [pk for pk in ids if pk not in live]
    if missing:
        listed = ", ".join(map(str, missing))
        raise OptionsError("concepts", f"No current concept {listed} in this project's codebook.")


def carries_names(release) -> bool:
    """Whether the release names annotators: built with annotators=names, its
    manifest lists each document's annotators by username (whatever the
    source), and with source=all so do its files."""
    return release.annotators == "names"


def check_may_read(membership, release):
    """A release that names annotators is read (detail, manifest, files) by
    those who may export names, as the export endpoint decides; others get 403."""
    if carries_names(release):
        check_names_allowed(membership, "read a release that names the annotators")


def options_for(release, split=None, format_name=None) -> ExportOptions:
    options = ExportOptions(
        source=release.source,
        split=split,
        include_text=release.include_text,
        seed=release.seed,
        ratios=release.ratios,
        annotators=release.annotators,
    )
    window = release.claims_window or {}
    if format_name in CLAIMS_FORMATS:
        # The release's window and concepts select the claims of these files.
        for key in ("start", "end", "concepts"):
            if window.get(key) is not None:
                options.format_options[key] = window[key]
    return options


def store(path, pieces, stored=None):
    """Write pieces to storage at ``path``; returns (stored name, size, sha256).
    The stored name is appended to ``stored`` (if given) as soon as it exists."""
    digest, size = hashlib.sha256(), 0
    with tempfile.TemporaryFile() as handle:
        for block in buffered(pieces):
            digest.update(block)
            size += len(block)
            handle.write(block)
        handle.seek(0)
        name = default_storage.save(path, File(handle))
    if stored is not None:
        stored.append(name)
    return name, size, digest.hexdigest()


def build_release(job, release_id):
    release = Release.objects.select_related("project", "created_by").get(pk=release_id)
    started = Release.objects.filter(pk=release.pk, status=Release.Status.PENDING).update(
        status=Release.Status.RUNNING
    )
    if not started:
        raise JobError("This release was already built; a release never changes.")
    stored = []  # every name saved to storage, deleted again if the build fails
    try:
        with snapshot():
            return _build(job, release, stored)
    except Exception as exc:
        for name in stored:
            default_storage.delete(name)
        message = str(exc) if isinstance(exc, JobError) else type(exc).__name__
        Release.objects.filter(pk=release.pk).update(
            status=Release.Status.FAILED, error=message, finished_at=timezone.now()
        )
        raise


@contextmanager
def snapshot():
    """One transaction that reads one snapshot of the database, so the manifest,
    the agreement and every format × split of a release describe the same data
    while annotation goes on.

    PostgreSQL's default (READ COMMITTED) takes a new snapshot per statement:
    REPEATABLE READ keeps the first one for the whole transaction, and must be
    set before any other statement in it (psycopg sends BEGIN with the first
    statement, so the SET right after atomic() opens is that statement). SQLite
    reads one snapshot per transaction already (WAL: writers go on meanwhile).
    Inside an outer transaction (a test's, or a request's) the snapshot is that
    transaction's and cannot be changed.
    """
    connection = transaction.get_connection()
    fresh = not connection.in_atomic_block
    with transaction.atomic():
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _build(job, release, stored):
    project = release.project
    splits = [name for name, ratio in release.ratios.items() if ratio > 0]
    steps = len(release.formats) * len(splits) + 2
    step = 0
    base = f"releases/project-{project.pk}/release-{release.pk}"
    manifest = manifest_for(release)
    job.set_progress(step := step + 1, steps)
    files, reports = [], {}
    for format_name in release.formats:
        fmt = FORMATS[format_name]
        for split in splits:
            exporter = Exporter(project, options_for(release, split, format_name))
            context = exporter.context()
            name = f"{split}.{fmt.suffix}"
            saved, size, sha = store(
                f"{base}/{format_name}/{name}", fmt.write(exporter, context), stored
            )
            files.append(
                ReleaseFile(
                    release=release,
                    format=format_name,
                    split=split,
                    name=f"{format_name}/{name}",
                    file=saved,
                    size=size,
                    sha256=sha,
                    content_type=fmt.content_type,
                )
            )
            if context.report:
                reports.setdefault(format_name, {})[split] = context.report
            job.set_progress(step := step + 1, steps)
    manifest["files"] = [
        {
            "format": f.format,
            "split": f.split,
            "name": f.name,
            "size": f.size,
            "sha256": f.sha256,
            "offset_unit": FORMATS[f.format].offset_unit,
            "carries": FORMATS[f.format].carries,
        }
        for f in files
    ]
    manifest["format_reports"] = reports
    body = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    saved, _, sha = store(f"{base}/manifest.json", [body], stored)
    ReleaseFile.objects.bulk_create(files)
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.READY,
        manifest=manifest,
        manifest_file=saved,
        manifest_sha256=sha,
        finished_at=timezone.now(),
    )
    job.set_progress(steps, steps)
    return {"release": release.pk, "files": len(files), "manifest_sha256": sha}


# --------------------------------------------------------------------------- the manifest


def manifest_for(release) -> dict:
    project = release.project
    exporter = Exporter(project, options_for(release))
    context = exporter.context()
    documents, splits, labels, stance_labels = [], {}, {}, {}
    released_ids, gold_sets = [], {}
    for record in exporter:
        released_ids.append(record.id)
        split = record.split
        counts = splits.setdefault(split, {"documents": 0, "spans": 0, "stances": 0})
        counts["documents"] += 1
        for aset in record.sets:
            counts["spans"] += len(aset.spans)
            counts["stances"] += len(aset.stances)
            for span in aset.spans:
                per = labels.setdefault(span.label, {})
                per[split] = per.get(split, 0) + 1
            for t in aset.stances:
                per = stance_labels.setdefault(t.polarity, {})
                per[split] = per.get(split, 0) + 1
            if aset.owner == "gold":
                gold_sets[record.id] = set_payload(aset)
        documents.append(
            {
                "id": record.external_id,
                "split": split,
                "text_sha256": record.text_sha256,
                "length": record.length,
                "url": record.url,
                "annotators": record.annotators,
            }
        )
    released = set(released_ids)
    adjudicated = exporter.documents().filter(adjudicated_at__isnull=False)
    if release.source != "gold":
        # The gold behind the released documents that have one, though this
        # release carries the annotators' or a model's sets.
        gold_exporter = Exporter(project, ExportOptions(source="gold"))
        for record in gold_exporter:
            if record.id in released:
                gold_sets[record.id] = set_payload(record.sets[0])
    annotator_sets = annotator_payloads(project, released)
    creator = release.created_by.username if release.created_by else None
    agreement_layers = agreement_for(annotator_sets, release.seed, category_groups(project))
    return {
        "project": {"id": project.pk, "name": project.name, "description": project.description},
        "release": {
            "name": release.name,
            "created_at": timezone.now().isoformat(),
            "created_by": creator,
            "source": release.source,
            "seed": release.seed,
            "ratios": release.ratios,
            "formats": release.formats,
            "annotator_names": release.annotators,
            "claims_window": claims_window_record(release, context),
        },
        "schema": {
            "entity_labels": context.entity_labels,
            "stance_labels": context.stance_labels,
        },
        "guidelines_sha256": hashlib.sha256(project.guidelines.encode("utf-8")).hexdigest(),
        "text": {
            "offset_unit": "code_point",
            "end_exclusive": True,
            "normalisation": "none (text exactly as imported; CRLF is two code points)",
            "included": release.include_text,
            "standoff": None
            if release.include_text
            else (
                "The text is not in this release (it may be under copyright). Fetch each "
                "document from its url and check its SHA-256 (text_sha256, of the UTF-8 "
                "bytes) before using the offsets."
            ),
        },
        "splits": {
            name: splits.get(name, {"documents": 0, "spans": 0, "stances": 0})
            for name in release.ratios
        },
        "labels": labels,
        "stance_labels": stance_labels,
        "documents": documents,
        "agreement": agreement_layers,
        "gold": gold_provenance(adjudicated, gold_sets, annotator_sets),
        "licence": {"text": release.licence_text, "annotations": release.licence_annotations},
        "warnings": release_warnings(release.ratios, splits, agreement_layers),
        "known_limitations": [
            "Agreement is computed on the submitted annotator sets of the released documents; "
            "documents annotated by one annotator do not count towards it.",
            "Formats that cannot express something (IOB2 and overlapping or misaligned spans, "
            "stance cues in doccano and Label Studio) list what was left out in format_reports.",
        ],
    }


def claims_window_record(release, context) -> dict:
    """What the claims files hold: the window, and the concepts by id and
    name (each keeps the concepts below it too)."""
    window = release.claims_window or {}
    ids = window.get("concepts")
    concepts = None
    if ids is not None:
        concepts = [{"id": pk, "name": context.concept_name(pk)} for pk in ids]
    return {
        "formats": [f for f in release.formats if f in CLAIMS_FORMATS],
        "start": window.get("start"),
        "end": window.get("end"),
        "concepts": concepts,
        "includes_sub_concepts": True,
    }


def release_state(release):
    """(status, error) of a release as its reader should see it. A build whose
    worker died cannot mark its release failed: its job is failed by the
    sweep (apps/projects/jobs.expire_stale), and the release says so from its
    job, without a write on the way out."""
    unfinished = release.status in (Release.Status.PENDING, Release.Status.RUNNING)
    job = release.job
    if unfinished and job is not None and job.status == Job.Status.FAILED:
        return Release.Status.FAILED, job.error
    return release.status, release.error


def release_warnings(ratios, splits, agreement) -> list:
    """What a reader of this release should know before using it: splits a
    ratio asked for that came out empty, agreement values without an interval."""
    warnings = []
    total = sum(counts["documents"] for counts in splits.values())
    for name, ratio in ratios.items():
        if ratio > 0 and not splits.get(name, {}).get("documents"):
            warnings.append(
                f"The {name} split is empty: {total} document{'s' if total != 1 else ''} "
                f"at a ratio of {ratio} gave it none."
            )
    # A layer with no value says why beside it; one with a value but no
    # interval would look more certain than it is.
    layers = [
        name
        for name, layer in agreement.items()
        if layer.get("value") is not None and layer["interval"]["low"] is None
    ]
    if layers:
        reasons = sorted({agreement[name]["interval"]["reason"] for name in layers})
        warnings.append(f"No agreement interval for {', '.join(layers)}: {'; '.join(reasons)}.")
    return warnings


def set_payload(aset) -> dict:
    """A SetRecord in the shape review's merge functions take: spans with ids,
    stances naming their spans by id."""
    return {
        "spans": [
            {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "actor": s.actor}
            for s in aset.spans
        ],
        "stances": [
            {
                "id": t.id,
                "holder": t.holder,
                "target": t.target,
                "concept": t.concept,
                "polarity": t.polarity,
                "cue": t.cue,
            }
            for t in aset.stances
        ],
        "categories": list(aset.categories),
    }


def annotator_payloads(project, document_ids) -> dict:
    """Document id -> {annotator pseudonym: submitted set} for the released documents."""
    exporter = Exporter(project, ExportOptions(source="all", annotators="pseudonyms"))
    return {
        record.id: {aset.owner: set_payload(aset) for aset in record.sets}
        for record in exporter
        if record.id in document_ids
    }


def agreement_for(annotator_sets, seed, groups=None) -> dict:
    """Agreement per layer among the annotators of the released documents.

    ``groups`` is the project's category labels, ``{label: (group, multiple)}``
    (review.report.category_groups): each category group adds two layers,
    ``categories:{group}`` (Krippendorff's alpha, nominal or MASI-weighted)
    and ``categories_kappa:{group}`` (Cohen's or Fleiss' kappa)."""
    spans_by_doc, stances_by_doc, claims_by_doc, categories_by_doc = {}, {}, {}, {}
    for document_id, sets in annotator_sets.items():
        spans_by_doc[document_id] = {}
        stances_by_doc[document_id] = {}
        claims_by_doc[document_id] = {}
        categories_by_doc[document_id] = {
            owner: payload.get("categories", []) for owner, payload in sets.items()
        }
        for owner, payload in sets.items():
            spans = {
                s["id"]: {k: s[k] for k in ("start", "end", "label", "actor")}
                for s in payload["spans"]
            }
            spans_by_doc[document_id][owner] = list(spans.values())
            stances_by_doc[document_id][owner] = [
                {
                    "holder": spans[t["holder"]],
                    "target": spans[t["target"]],
                    "polarity": t["polarity"],
                }
                for t in payload["stances"]
                if t["target"] is not None
            ]
            claims_by_doc[document_id][owner] = [
                {"holder": spans[t["holder"]], "concept": t["concept"], "polarity": t["polarity"]}
                for t in payload["stances"]
                if t["concept"] is not None
            ]

    def layer(measure_name, parameters, documents, measure, pick):
        result = pick(measure(documents))
        interval = agreement.bootstrap_interval(
            documents,
            lambda sample: pick(measure(sample)),
            iterations=BOOTSTRAP_ITERATIONS,
            seed=seed,
        )
        return {
            "measure": measure_name,
            "parameters": parameters,
            "value": result["value"],
            "items": result["items"],
            "reason": result["reason"],
            "documents": len(documents),
            "interval": interval,
        }

    layers = {
        "entities": layer(
            "span F1, exact match, micro over annotator pairs",
            {"match": "exact (start, end, label)"},
            spans_by_doc,
            agreement.span_agreement,
            lambda r: r["f1_exact"],
        ),
        "entities_partial": layer(
            "span F1, partial match, micro over annotator pairs",
            {"match": "overlap with the same label"},
            spans_by_doc,
            agreement.span_agreement,
            lambda r: r["f1_partial"],
        ),
        "stances": layer(
            "stance F1 (holder, target and polarity), micro over annotator pairs",
            {"holder_target_match": "overlapping span or the same actor"},
            stances_by_doc,
            agreement.stance_agreement,
            lambda r: r["f1"],
        ),
        "stance_polarity": layer(
            "Cohen's kappa on polarity of stances matched on holder and target",
            {},
            stances_by_doc,
            agreement.stance_agreement,
            lambda r: r["polarity_kappa"],
        ),
        "concept_stances": layer(
            "stance-on-concept F1 (holder actor or span, concept, polarity), "
            "micro over annotator pairs",
            {"holder_match": "the same actor, else the same span"},
            claims_by_doc,
            agreement.concept_stance_agreement,
            lambda r: r["f1"],
        ),
        "concept_stance_polarity": layer(
            "Cohen's kappa on polarity of stances on concepts matched on holder and concept",
            {},
            claims_by_doc,
            agreement.concept_stance_agreement,
            lambda r: r["polarity_kappa"],
        ),
        "actor_links": layer(
            "share of exactly matched spans linked to the same actor",
            {},
            spans_by_doc,
            agreement.actor_link_agreement,
            lambda r: r,
        ),
    }
    layers.update(category_layers(categories_by_doc, groups or {}, layer))
    return layers


def category_layers(categories_by_doc, groups, layer) -> dict:
    """Two layers per category group, in the order of the group names."""
    out = {}
    multiple_of = {group: multiple for group, multiple in groups.values()}
    for group in sorted(multiple_of, key=str):
        multiple = multiple_of[group]
        members = {name: g for name, g in groups.items() if g[0] == group}

        def measure(documents, members=members):
            return agreement.category_agreement(documents, members)

        parameters = {"group": group, "multiple": multiple}
        alpha_name = (
            "Krippendorff's alpha, MASI-weighted (several categories per document)"
            if multiple
            else "Krippendorff's alpha, nominal (one category per document)"
        )
        out[f"categories:{group}"] = layer(
            alpha_name,
            {**parameters, "distance": "masi" if multiple else "nominal"},
            categories_by_doc,
            measure,
            lambda r, group=group: r[group]["alpha"],
        )
        out[f"categories_kappa:{group}"] = layer(
            "Cohen's kappa (two annotators) or Fleiss' kappa (more) on the categories "
            "chosen, compared whole",
            parameters,
            categories_by_doc,
            measure,
            lambda r, group=group: r[group]["kappa"],
        )
    return out
