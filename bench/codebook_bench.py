"""Codebook benchmark: the export and the keyword search, each against the
way it was done before, in the same run.

- ``export``: the JSON export of N concepts (10 keywords and a 400-character
  description each, under 50 parents). ``whole`` is the former way (every
  concept in one list, the file built as one string); ``stream`` is
  apps/actors/codebook.py's ``codebook_concepts`` (the hierarchy in one
  query, the rest 500 concepts a query) written by ``codebook_io.json_pieces``
  and consumed piece by piece, as the streaming response does. Time, then
  peak Python memory (tracemalloc) in a second run.
- ``search``: ``?q=`` on a keyword. ``python`` is the former filter (every
  concept's keywords read and keyed in Python), ``database`` the stored
  keyword keys matched by one LIKE; the mean of 20 queries each.

    .venv/bin/python bench/codebook_bench.py                 # 2,000 and 20,000 on SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/codebook_bench.py --sizes 20000
"""

import argparse
import json
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db.models import Q

from apps.actors import codebook_io
from apps.actors.codebook import codebook_concepts
from apps.actors.codebook_rules import tree_order
from apps.actors.models import Concept
from apps.actors.search import search_key
from apps.projects.models import Project


def make_codebook(project, n):
    Concept.objects.bulk_create(
        Concept(project=project, name=f"Top {t}", keywords=[f"top{t}"]) for t in range(50)
    )
    tops = list(Concept.objects.filter(project=project).order_by("id"))
    description = ("A position on the question, as the guidelines define it. " * 8)[:400]
    Concept.objects.bulk_create(
        (
            Concept(
                project=project,
                name=f"Concept {i:06d}",
                parent=tops[i % len(tops)],
                description=description,
                keywords=[f"word{i}x{k}" for k in range(10)],
            )
            for i in range(n - len(tops))
        ),
        batch_size=1000,
    )


def export_whole(project):
    """The former export: one list of every concept, the file one string."""
    concepts = list(
        Concept.objects.filter(project=project, merged_into=None)
        .values("id", "name", "description", "parent", "keywords")
        .order_by("id")
    )
    names = {c["id"]: c["name"] for c in concepts}
    ordered = tree_order(concepts)
    for concept in ordered:
        concept["parent"] = names.get(concept["parent"])
    return len(codebook_io.write_json(ordered).encode())


def export_stream(project):
    size = 0
    for piece in codebook_io.json_pieces(codebook_concepts(project)):
        size += len(piece.encode())
    return size


def search_python(project, q):
    queryset = Concept.objects.filter(project=project, merged_into=None)
    key = search_key(q)
    by_keyword = [
        pk
        for pk, keywords in queryset.values_list("id", "keywords")
        if any(key in search_key(k) for k in keywords or ())
    ]
    return queryset.filter(Q(name_key__contains=key) | Q(pk__in=by_keyword)).count()


def search_database(project, q):
    key = search_key(q)
    queryset = Concept.objects.filter(project=project, merged_into=None)
    return queryset.filter(Q(name_key__contains=key) | Q(keywords_key__contains=key)).count()


def timed(fn, *args, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        out = fn(*args)
    return (time.perf_counter() - start) / repeat, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    with common.throwaway_database():
        for n in args.sizes:
            project = Project.objects.create(name=f"codebook {n}")
            make_codebook(project, n)
            t_whole, size_whole = timed(export_whole, project)
            t_stream, size_stream = timed(export_stream, project)
            assert size_whole == size_stream, (size_whole, size_stream)
            m_whole = common.peak_mib(export_whole, project)
            m_stream = common.peak_mib(export_stream, project)
            q = f"word{n // 2}x3"
            t_py, found_py = timed(search_python, project, q, repeat=20)
            t_db, found_db = timed(search_database, project, q, repeat=20)
            assert found_py == found_db == 1, (found_py, found_db)
            print(
                json.dumps(
                    {
                        "concepts": n,
                        "file_mib": round(size_whole / 2**20, 2),
                        "export_whole_s": round(t_whole, 3),
                        "export_stream_s": round(t_stream, 3),
                        "export_whole_peak_mib": round(m_whole, 1),
                        "export_stream_peak_mib": round(m_stream, 1),
                        "search_python_ms": round(t_py * 1000, 1),
                        "search_database_ms": round(t_db * 1000, 1),
                    }
                )
            )


if __name__ == "__main__":
    main()
