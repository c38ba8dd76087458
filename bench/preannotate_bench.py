"""Pre-annotation benchmark: the alias matcher against a naive per-alias regex loop.

A synthetic registry of 5,000 actors and 20,000 aliases (one in five
case-insensitive, with accented and non-Latin names) and 10,000 news-like
documents of about 1,500 characters that mention some of them. Prints, in
the same run:

- the matcher alone (pure, no database): documents per second;
- the naive baseline: for every document, one compiled regex per alias
  (``(?<!\\w)alias(?!\\w)``, IGNORECASE where the alias says so). It is far
  too slow for 10,000 documents, so it is timed on a subset and
  extrapolated (said so in the output);
- the whole pre-annotation through the database (`preannotate()`: read the
  documents, suggest, validate, write the prediction sets) on a throwaway
  test database of whatever DATABASE_URL points at (SQLite by default).

    .venv/bin/python bench/preannotate_bench.py
    .venv/bin/python bench/preannotate_bench.py --docs 2000 --naive-docs 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/preannotate_bench.py
"""

import argparse
import random
import re
import time

import common  # sets Django up: keep it before Django and apps imports
from django.db import connection

from apps.actors.matcher import Matcher

SYLLABLES = ["ka", "ro", "mi", "sa", "to", "vel", "dri", "gu", "nez", "zü", "ló", "ạn", "ше", "ов"]
WORDS = common.WORDS
KINDS = ["person", "organization", "state", "igo", "group"]


def word(rng, parts=(2, 4)):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*parts))).capitalize()


def make_registry(rng, n_actors, n_aliases):
    """[(name, kind, [(alias, case_sensitive)])] with n_aliases aliases in all."""
    names = set()
    actors = []
    while len(actors) < n_actors:
        name = " ".join(word(rng) for _ in range(rng.choice([1, 2, 2, 3])))
        if name not in names:
            names.add(name)
            actors.append([name, rng.choice(KINDS), []])
    taken = set(names)
    count = 0
    while count < n_aliases:
        actor = actors[count % n_actors]
        alias = rng.choice(
            [
                word(rng),
                f"{word(rng)} {word(rng)}",
                f"the {word(rng)} Ministry",
                actor[0].split()[0] + " " + word(rng),
            ]
        )
        if alias in taken:
            continue
        taken.add(alias)
        actor[2].append((alias, rng.random() >= 0.2))
        count += 1
    return actors


def make_text(rng, mentions, length=1500):
    out, size = [], 0
    while size < length:
        if rng.random() < 0.06:
            piece = rng.choice(mentions)
            if rng.random() < 0.3:
                piece += rng.choice(["'s", ",", ".", " 🇻🇪", "ian"])
        else:
            piece = rng.choice(WORDS)
        out.append(piece)
        size += len(piece) + 1
    return " ".join(out)


def naive_find(patterns, text):
    """The baseline: every alias's own regex over the whole text."""
    found = []
    for pattern, actor in patterns:
        found += [(m.start(), m.end(), actor) for m in pattern.finditer(text)]
    return found


def rate(n, seconds):
    return n / seconds if seconds else float("inf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--aliases", type=int, default=20_000)
    parser.add_argument("--naive-docs", type=int, default=10, help="documents the naive loop runs")
    parser.add_argument("--no-db", action="store_true", help="skip the database run")
    args = parser.parse_args()

    rng = random.Random(7)
    actors = make_registry(rng, args.actors, args.aliases)
    mentions = [alias for _, _, aliases in actors for alias, _ in aliases] + [a[0] for a in actors]
    texts = [make_text(rng, mentions) for _ in range(args.docs)]
    triples = [
        (alias, cs, index)
        for index, (name, _, aliases) in enumerate(actors)
        for alias, cs in [(name, True), *aliases]
    ]
    print(
        f"registry: {len(actors):,} actors, {args.aliases:,} aliases (+ names); "
        f"{len(texts):,} documents of ~{sum(map(len, texts)) // len(texts):,} characters"
    )

    start = time.perf_counter()
    matcher = Matcher(triples)
    build = time.perf_counter() - start
    start = time.perf_counter()
    matches = sum(len(matcher.find(text)) for text in texts)
    fast = time.perf_counter() - start
    fast_rate = rate(len(texts), fast)
    print(f"matcher: built in {build:.2f} s; {len(texts):,} documents in {fast:.2f} s")
    print(f"  {fast_rate:,.0f} documents/s, {matches:,} matches")

    start = time.perf_counter()
    patterns = [
        (re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", 0 if cs else re.IGNORECASE), actor)
        for alias, cs, actor in triples
    ]
    naive_build = time.perf_counter() - start
    subset = texts[: args.naive_docs]
    start = time.perf_counter()
    naive_matches = sum(len(naive_find(patterns, text)) for text in subset)
    naive = time.perf_counter() - start
    naive_rate = rate(len(subset), naive)
    print(
        f"naive per-alias regex loop: compiled in {naive_build:.2f} s; timed on "
        f"{len(subset)} documents ({naive:.2f} s, {naive_matches:,} raw matches) and "
        f"extrapolated: {naive_rate:,.1f} documents/s, "
        f"{rate(1, naive_rate) * len(texts) / 60:,.0f} min for {len(texts):,}"
    )
    print(f"  matcher / naive: {fast_rate / naive_rate:,.0f}x (target >= 20x)")

    if args.no_db:
        return
    from apps.actors.models import Actor, Alias
    from apps.documents.models import Document
    from apps.mentions.preannotate import preannotate
    from apps.projects.models import Label, Project

    with common.throwaway_database():
        project = Project.objects.create(name="bench")
        labels = {"person": "PERSON", "organization": "ORG", "state": "GPE", "igo": "IGO"}
        for name in labels.values():
            Label.objects.create(project=project, kind="entity", name=name)
        project.actor_kind_labels = labels
        project.save()
        rows = Actor.objects.bulk_create(
            Actor(project=project, name=name, kind=kind) for name, kind, _ in actors
        )
        Alias.objects.bulk_create(
            (
                Alias(actor=row, text=alias, case_sensitive=cs)
                for row, (_, _, aliases) in zip(rows, actors, strict=True)
                for alias, cs in aliases
            ),
            batch_size=2000,
        )
        Document.objects.bulk_create(
            (
                Document(project=project, external_id=f"d{i}", text=text)
                for i, text in enumerate(texts)
            ),
            batch_size=2000,
        )
        for run in ("first run (creates sets)", "second run (replaces them)"):
            start = time.perf_counter()
            report = preannotate(project)
            took = time.perf_counter() - start
            print(
                f"preannotate() through the database ({connection.vendor}), {run}: "
                f"{took:.2f} s, {rate(report['documents'], took):,.0f} documents/s, "
                f"{report['spans']:,} spans in {report['created'] + report['replaced']:,} sets"
            )
        print(
            f"  whole pre-annotation / naive: {rate(report['documents'], took) / naive_rate:,.0f}x"
        )


if __name__ == "__main__":
    main()
