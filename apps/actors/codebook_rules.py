"""The codebook's rules, as plain Python (no ORM): what a concept's keywords
may be, where a concept may sit in the hierarchy, the path shown for it, and
which stances a merge leaves doubled.

The hierarchy is given as ``{concept id: parent id or None}`` of the
project's current (not merged) concepts; `apps.actors.codebook` reads it
from the database and stores what these rules allow.
"""

from apps.projects.inputs import unstorable

from .search import search_key

MAX_NAME = 300
MAX_KEYWORDS = 50
MAX_KEYWORD = 100
PATH_SEPARATOR = " › "


class CodebookError(ValueError):
    """A value the codebook refuses; the message says why."""


def clean_keywords(value):
    """The keywords to store from `value`: a list of non-empty strings, each
    stripped and at most MAX_KEYWORD characters, at most MAX_KEYWORDS of them.
    Repeats (the same once accents and case are folded, as a search sees
    them) are dropped, keeping the first spelling."""
    if not isinstance(value, list):
        raise CodebookError("must be a list of words or phrases.")
    kept, seen = [], set()
    for index, keyword in enumerate(value):
        if not isinstance(keyword, str) or not keyword.strip():
            raise CodebookError(f"keywords[{index}] must be a non-empty string.")
        keyword = keyword.strip()
        if problem := unstorable(keyword):
            raise CodebookError(f"keywords[{index}] {problem}.")
        if len(keyword) > MAX_KEYWORD:
            raise CodebookError(
                f"keywords[{index}] ({keyword[:30]!r}…) is longer than {MAX_KEYWORD} characters."
            )
        key = search_key(keyword)
        if key in seen:
            continue
        seen.add(key)
        kept.append(keyword)
    if len(kept) > MAX_KEYWORDS:
        raise CodebookError(f"has {len(kept)} keywords; a concept has at most {MAX_KEYWORDS}.")
    return kept


def merged_keywords(survivor_name, survivor_keywords, source_name, source_keywords):
    """The survivor's keywords after a merge: its own, then the merged
    concept's name and keywords, so that what found the merged concept (in a
    search, in pre-annotation) finds the survivor. Repeats of a keyword or of
    the survivor's name, as a search sees them, are dropped; a name longer
    than a keyword may be is left out; at most MAX_KEYWORDS are kept."""
    kept = list(survivor_keywords)
    seen = {search_key(survivor_name), *map(search_key, kept)}
    for keyword in [source_name, *source_keywords]:
        key = search_key(keyword)
        if key in seen or len(keyword) > MAX_KEYWORD:
            continue
        seen.add(key)
        kept.append(keyword)
    return kept[:MAX_KEYWORDS]


def ancestors(concept_id, parents):
    """The ids above `concept_id`, nearest first. Stops at a cycle (which
    the rules below never let in) instead of looping."""
    seen, found = {concept_id}, []
    current = parents.get(concept_id)
    while current is not None and current not in seen:
        found.append(current)
        seen.add(current)
        current = parents.get(current)
    return found


def parent_problem(concept_id, parent_id, parents, names):
    """Why `parent_id` cannot be the parent of `concept_id` (None for a new
    concept), or None when it can. `parents` holds the project's current
    concepts; `names` their names, for the message."""
    if parent_id is None:
        return None
    if parent_id not in parents:
        return (
            f"There is no current concept {parent_id} in this project "
            "(a merged concept cannot be a parent)."
        )
    if concept_id is None:
        return None
    if parent_id == concept_id:
        return "A concept cannot be its own parent."
    if concept_id in ancestors(parent_id, parents):
        return (
            f"{names.get(parent_id, parent_id)!r} is under {names.get(concept_id, concept_id)!r}; "
            "a concept cannot be placed under one of its own sub-concepts."
        )
    return None


def cycle_of(parents):
    """Some cycle in a hierarchy ``{id: parent}`` as a list of ids, or None."""
    done = set()
    for start in parents:
        path, on_path = [], set()
        current = start
        while current is not None and current not in done:
            if current in on_path:
                return path[path.index(current) :]
            on_path.add(current)
            path.append(current)
            current = parents.get(current)
        done.update(path)
    return None


def paths(parents, names):
    """``{id: "International law › UN Charter"}`` for every concept in
    `parents` (merged ones included, as long as they are named)."""
    return {
        concept_id: PATH_SEPARATOR.join(
            str(names.get(i, i)) for i in reversed([concept_id, *ancestors(concept_id, parents)])
        )
        for concept_id in parents
    }


def tree_order(concepts):
    """`concepts` (dicts with id, name, parent) parents first, each level by
    name: the order an export writes and the page draws them."""
    children = {}
    ids = {c["id"] for c in concepts}
    for concept in concepts:
        parent = concept["parent"] if concept["parent"] in ids else None
        children.setdefault(parent, []).append(concept)
    ordered, stack = [], sorted(children.get(None, []), key=_by_name, reverse=True)
    while stack:
        concept = stack.pop()
        ordered.append(concept)
        stack.extend(sorted(children.get(concept["id"], []), key=_by_name, reverse=True))
    return ordered


def _by_name(concept):
    return (concept["name"].casefold(), concept["id"])


def doubled_claims(stances):
    """The stances a merge leaves doubled: within one set, two stances with
    the same holder, concept and polarity make one claim. `stances` are
    ``(id, set_id, holder_id, concept_id, polarity_id, cue_id)``; returns the
    ids to delete. Of each group the one with a cue is kept (a cue is
    evidence), then the oldest (lowest id)."""
    groups = {}
    for stance in stances:
        groups.setdefault(stance[1:5], []).append(stance)
    doomed = []
    for group in groups.values():
        if len(group) < 2:
            continue
        keep = min(group, key=lambda s: (s[5] is None, s[0]))
        doomed += [s[0] for s in group if s[0] != keep[0]]
    return sorted(doomed)
