"""JSON rendered once and spliced into later answers: plain data, no ORM.

A `Rendered` holds the JSON bytes of one value (a set's spans, say) as
orjson wrote them. The renderer (apps/projects/renderers.py) splices them
into the answer as they are, where the value itself would be encoded again
on every request; its standard-library fallback decodes them back to the
value. So only values whose JSON reads back as the same value are kept
this way: lists and objects of strings, ints of 64 bits, floats, booleans
and null (no datetimes, which the two encoders write differently).

`RenderedCache` keeps such values per key, least recently used first out,
bounded by the bytes it holds. Its keys must change whenever the value
would (e.g. a set's id and version): nothing is invalidated, a stale key is
simply never asked for again and ages out.
"""

import threading
from collections import OrderedDict

import orjson


class Rendered:
    """A value's JSON, ready to be spliced into an answer (`raw`, bytes)."""

    __slots__ = ("raw",)

    def __init__(self, raw):
        self.raw = raw

    def __eq__(self, other):
        return type(other) is Rendered and other.raw == self.raw

    def __hash__(self):
        return hash(self.raw)

    def __repr__(self):
        return f"Rendered({self.raw!r})"

    def value(self):
        """The value these bytes are the JSON of."""
        return orjson.loads(self.raw)


def render(value):
    """`value` as a Rendered, or None when orjson refuses it (a lone
    surrogate, an int past 64 bits): such a value is encoded with the rest of
    its answer, whichever way that is."""
    try:
        raw = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None
    # A copy: orjson's own bytes keep the buffer it wrote into (4 KiB for 1 KiB
    # of JSON), which a cache would hold for as long as the entry.
    return Rendered(bytes(memoryview(raw)))


# What an entry costs besides its bytes: its key, the OrderedDict's node and
# the tuple of parts, roughly (CPython 3.11, 64-bit).
ENTRY_OVERHEAD = 400


class RenderedCache:
    """key -> a tuple of parts (each a Rendered or any small value), the
    least recently used dropped first once the parts' bytes pass `max_bytes`.
    Safe to share between a worker's threads."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.size = 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._entries)

    @staticmethod
    def _cost(parts):
        return ENTRY_OVERHEAD + sum(len(part.raw) for part in parts if type(part) is Rendered)

    def get_many(self, keys):
        """{key: parts} of the keys held, each now the most recently used."""
        found = {}
        entries = self._entries
        with self._lock:
            for key in keys:
                parts = entries.get(key)
                if parts is not None:
                    entries.move_to_end(key)
                    found[key] = parts
        return found

    def put(self, key, parts):
        cost = self._cost(parts)
        if cost > self.max_bytes:
            return
        entries = self._entries
        with self._lock:
            old = entries.pop(key, None)
            if old is not None:
                self.size -= self._cost(old)
            entries[key] = parts
            self.size += cost
            while self.size > self.max_bytes:
                _, dropped = entries.popitem(last=False)
                self.size -= self._cost(dropped)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.size = 0
