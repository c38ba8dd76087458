"""Pieces of Label Studio exports, as Label Studio writes them, for the tests
of importing another tool's annotations."""

TEXT = "Maduro met Putin in Moscow."


def region(rid, start, end, label="PERSON"):
    """A ``labels`` result over TEXT[start:end]."""
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


def relation(holder, target, polarity="OPPOSE"):
    return {"from_id": holder, "to_id": target, "type": "relation", "labels": [polarity]}


def by(completed_by, *result, **extra):
    """An annotation of `completed_by` (an id, a user object or a name)."""
    return {"id": 1000, "completed_by": completed_by, "result": list(result), **extra}
