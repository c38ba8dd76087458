"""A concept's place in the codebook's hierarchy, in words: its ancestors'
names and its own, outermost first ("International law › UN Charter"), as
the concepts API's ``path`` shows it. Pure: rows in, strings out."""

SEPARATOR = " › "


def concept_paths(rows, wanted):
    """``{id: path}`` of the ``wanted`` concept ids, from ``rows``:
    ``{id: (name, parent_id)}`` holding every ancestor. A parent missing from
    the rows ends the path there; a loop (the database refuses only a concept
    that is its own parent) is cut where it comes back."""
    paths = {}
    for concept_id in wanted:
        names, seen, at = [], set(), concept_id
        while at in rows and at not in seen:
            seen.add(at)
            name, at = rows[at]
            names.append(name)
        paths[concept_id] = SEPARATOR.join(reversed(names))
    return paths
