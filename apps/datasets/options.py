"""Export options: what they are, and the one parser every entry point uses.

The export API (a query string), the command (its arguments) and a release
request (a JSON body) all hand their plain data to ``parse_export`` or
``parse_release``, which return typed options or raise ``OptionsError``
naming the field at fault. Values may be typed (JSON) or strings (a query
string, the command line): ``"false"`` and ``False`` are the same answer.
Pure Python: no ORM, so it is tested directly.
"""

import datetime
from dataclasses import dataclass, field

from apps.projects.errors import Invalid
from apps.projects.limits import MAX_SEED, MIN_SEED

from .formats import FORMATS
from .formats.network import SLICES
from .splits import DEFAULT_RATIOS, DEFAULT_SEED, SplitError, check_ratios, parse_ratios

SOURCES = ("gold", "all", "prediction")
ANNOTATOR_NAMING = ("pseudonyms", "names")
CHUNK_SIZE = 500
MAX_NAME = 100
MAX_LICENCE = 200


@dataclass
class ExportOptions:
    source: str = "gold"  # gold | all (each annotator's submitted set) | prediction
    split: str | None = None
    label: str | None = None
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    include_text: bool = True
    seed: int = DEFAULT_SEED
    ratios: dict = field(default_factory=lambda: dict(DEFAULT_RATIOS))
    # How annotators are named with source=all and in provenance: "pseudonyms"
    # (stable per project, the default for publication) or "names".
    annotators: str = "pseudonyms"
    chunk_size: int = CHUNK_SIZE
    format_options: dict = field(default_factory=dict)


class OptionsError(Invalid):
    """An option that cannot be used; ``field`` names it (None: the whole request)."""

    def __init__(self, field, message):
        super().__init__(message, field=field)


# --------------------------------------------------------------------------- one field each


def _blank(value):
    return value is None or value == ""


def boolean(data, name, default):
    value = data.get(name)
    if _blank(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no"):
        return False
    raise OptionsError(name, f"{name} must be true or false, got {value!r}.")


def choice(data, name, choices, default):
    value = data.get(name)
    if _blank(value):
        return default
    if value not in choices:
        listed = ", ".join(f'"{c}"' for c in choices)
        raise OptionsError(name, f"{name} must be one of {listed}, got {value!r}.")
    return value


def date(data, name):
    value = data.get(name)
    if _blank(value):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        message = f'{name} must be a date like "2024-05-31", got "{value}".'
        raise OptionsError(name, message) from None


def seed(data, name="seed"):
    value = data.get(name)
    if _blank(value):
        return DEFAULT_SEED
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SEED <= value <= MAX_SEED:
        raise OptionsError(
            name, f"The seed must be an integer from {MIN_SEED} to {MAX_SEED}, got {value!r}."
        )
    return value


def ratios(data, name="ratios"):
    value = data.get(name)
    if _blank(value):
        return dict(DEFAULT_RATIOS)
    try:
        return parse_ratios(value) if isinstance(value, str) else check_ratios(value)
    except SplitError as exc:
        raise OptionsError(name, str(exc)) from None


def format_problem(name, include_text):
    """Why a format cannot be used (unknown, not installed, needs the text), or None."""
    fmt = FORMATS.get(name) if isinstance(name, str) else None
    if fmt is None:
        return f"unknown format {name!r}; the formats are {', '.join(FORMATS)}"
    if not fmt.available():
        return f"the {name} format needs an optional package that is not installed here"
    if not include_text and fmt.needs_text:
        standoff = [n for n, f in FORMATS.items() if not f.needs_text]
        return (
            f"{name} cannot be written without the text (include_text=false); "
            f"standoff exports exist for {', '.join(standoff)}"
        )
    return None


def _common(data):
    """The options an export and a release share."""
    return {
        "include_text": boolean(data, "include_text", True),
        "source": choice(data, "source", SOURCES, "gold"),
        "annotators": choice(data, "annotators", ANNOTATOR_NAMING, "pseudonyms"),
        "seed": seed(data),
        "ratios": ratios(data),
    }


# --------------------------------------------------------------------------- requests


def parse_export(data) -> tuple[str, ExportOptions]:
    """``(format name, ExportOptions)`` for one export of one format."""
    include_text = boolean(data, "include_text", True)
    format_name = data.get("format") or "jsonl"
    problem = format_problem(format_name, include_text)
    if problem:
        raise OptionsError("format", problem)
    common = _common(data)
    options = ExportOptions(
        label=data.get("label") or None,
        published_from=date(data, "published_from"),
        published_to=date(data, "published_to"),
        **common,
    )
    options.split = choice(data, "split", tuple(options.ratios), None)
    slice_by = choice(data, "slice", SLICES, None)
    if slice_by:
        options.format_options["slice"] = slice_by
    # The time window of the claims network, [start, end).
    for name in ("start", "end"):
        value = date(data, name)
        if value:
            options.format_options[name] = value
    window = options.format_options
    if "start" in window and "end" in window and window["start"] >= window["end"]:
        raise OptionsError("end", "end must be after start: the window is [start, end).")
    return format_name, options


# The formats of the claims whose files a release's window and concepts select.
CLAIMS_FORMATS = ("claims-network", "statements")


def concept_ids(data, name="concepts"):
    """A list of concept ids (JSON) or ids separated by commas; None when absent."""
    value = data.get(name)
    if _blank(value):
        return None
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list):
        raise OptionsError(name, f"{name} must be a list of concept ids, got {value!r}.")
    out = []
    for part in parts:
        if isinstance(part, str) and part.strip().isdigit():
            part = int(part)
        if isinstance(part, bool) or not isinstance(part, int) or part < 1:
            raise OptionsError(name, f"{name} must be concept ids (integers), got {part!r}.")
        if part not in out:
            out.append(part)
    return out or None


def claims_window(data, formats) -> dict:
    """The time window and concepts of a release's claims files: ``{"start",
    "end", "concepts"}`` (ISO dates or None, ids or None), or {} when none
    is given. Only for the claims formats; the window is [start, end)."""
    start, end, concepts = date(data, "start"), date(data, "end"), concept_ids(data)
    if start is None and end is None and concepts is None:
        return {}
    if not set(formats) & set(CLAIMS_FORMATS):
        given = next(n for n, v in (("start", start), ("end", end), ("concepts", concepts)) if v)
        raise OptionsError(
            given,
            f"{given} selects the claims of the {' and '.join(CLAIMS_FORMATS)} formats; "
            "choose one of them, or leave it empty.",
        )
    if start and end and end <= start:
        raise OptionsError("end", f"end ({end}) must come after start ({start}).")
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "concepts": concepts,
    }


def parse_release(data) -> dict:
    """The fields of a new Release from a request body."""
    if not isinstance(data, dict):
        raise OptionsError(None, "The body must be a JSON object.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise OptionsError("name", f"A release needs a name of 1 to {MAX_NAME} characters.")
    common = _common(data)
    formats = data.get("formats", ["jsonl"])
    if not isinstance(formats, list) or not formats:
        raise OptionsError("formats", "formats must be a non-empty list of format names.")
    for index, format_name in enumerate(formats):
        problem = format_problem(format_name, common["include_text"])
        if problem:
            raise OptionsError(f"formats[{index}]", problem)
    if len(set(formats)) != len(formats):
        raise OptionsError("formats", "A format is listed twice.")
    licences = {}
    for key in ("licence_text", "licence_annotations"):
        value = data.get(key, "")
        if not isinstance(value, str) or len(value) > MAX_LICENCE:
            raise OptionsError(key, f"{key} must be a string of at most {MAX_LICENCE} characters.")
        licences[key] = value
    window = claims_window(data, formats)
    return {
        "name": name.strip(),
        "formats": formats,
        **common,
        **licences,
        "claims_window": window,
    }
