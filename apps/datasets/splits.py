"""Deterministic train / dev / test splits.

A document's split is a pure function of the seed, the ratios and its
``external_id``: SHA-256 of ``"{seed}:{external_id}"`` read as a number in
[0, 1), placed against the cumulative ratios with the splits sorted by name.
It does not depend on which other documents exist, so adding documents never
moves one, and every release with the same seed and ratios agrees. The bands
are sorted by name, never taken in the dict's order, because a JSONField on
PostgreSQL (jsonb) does not keep key order: a release read back from the
database must assign exactly what an export with the same ratios does.
"""

import hashlib
import math

DEFAULT_RATIOS = {"train": 0.8, "dev": 0.1, "test": 0.1}
DEFAULT_SEED = 0
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


class SplitError(ValueError):
    """Bad ratios or seed; str() is the readable message."""


def check_ratios(ratios) -> dict[str, float]:
    """Validate ``{name: ratio}``; ratios must be ≥ 0 and add up to 1."""
    if not isinstance(ratios, dict) or not ratios:
        raise SplitError('ratios must be an object like {"train": 0.8, "dev": 0.1, "test": 0.1}')
    clean = {}
    for name, value in ratios.items():
        if not isinstance(name, str) or not name or not set(name) <= NAME_CHARS:
            raise SplitError(f"split name {name!r} must be lower-case letters, digits, _ or -")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise SplitError(f"the ratio of {name} must be a number, got {value!r}")
        if value < 0:
            raise SplitError(f"the ratio of {name} must not be negative, got {value}")
        clean[name] = float(value)
    total = sum(clean.values())
    if abs(total - 1.0) > 1e-6:
        raise SplitError(f"the ratios must add up to 1, they add up to {total:g}")
    return clean


def parse_ratios(value: str) -> dict[str, float]:
    """``"train:0.8,dev:0.1,test:0.1"`` → ratios (as a query parameter gives them)."""
    ratios = {}
    for part in value.split(","):
        name, sep, number = part.partition(":")
        try:
            ratios[name.strip()] = float(number) if sep else None
        except ValueError:
            raise SplitError(f"cannot read the ratio {part!r}; write name:ratio") from None
        if not sep:
            raise SplitError(f"cannot read the ratio {part!r}; write name:ratio")
    return check_ratios(ratios)


def position(seed: int, external_id: str) -> float:
    """Where the document falls in [0, 1)."""
    digest = hashlib.sha256(f"{seed}:{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(seed: int, external_id: str, ratios: dict[str, float]) -> str:
    """The split of one document. ``ratios`` as check_ratios returns them, in
    any key order: the bands are laid out by split name."""
    return Splitter(seed, ratios)(external_id)


class Splitter:
    """assign() with the seed and ratios bound, for a whole export: the
    bands laid out once, not for every document."""

    def __init__(self, seed: int = DEFAULT_SEED, ratios: dict | None = None):
        self.seed = seed
        self.ratios = check_ratios(ratios if ratios is not None else DEFAULT_RATIOS)
        # assign's bands, laid out once for the export: (upper bound, name).
        self.bands, cumulative = [], 0.0
        for name, ratio in sorted(self.ratios.items()):
            if ratio > 0:
                cumulative += ratio
                self.bands.append((cumulative, name))
        # Rounding: the sum may fall a hair short of 1.
        self.last = self.bands[-1][1] if self.bands else None

    def __call__(self, external_id: str) -> str:
        point = position(self.seed, external_id)
        for bound, name in self.bands:
            if point < bound:
                return name
        return self.last
