"""Which actor a suggested span gets: pure, no ORM.

Two kinds of evidence, in this order:

1. *Past links*: the gold spans with the same text (case folded) that were
   linked to an actor. The actor linked most often wins, if it holds more
   than half of those links; its share of them is the link's confidence.
2. *Aliases*: otherwise, the one registry actor whose name or alias is the
   span's text (a case-sensitive alias must match exactly, any other case
   folded). Two or more actors: no actor, the annotator picks one.

No evidence, or evidence split: no actor.
"""

from collections import Counter, defaultdict


def fold(text):
    return " ".join(text.split()).casefold()


class ActorLinker:
    def __init__(self, past_links=None, actors=()):
        # {folded text: Counter(actor id)}
        self.past = defaultdict(Counter)
        for text, counter in (past_links or {}).items():
            self.past[fold(text)].update(counter)
        self.exact = defaultdict(set)
        self.folded = defaultdict(set)
        self.known = set()
        for actor in actors:
            self.known.add(actor["id"])
            self.exact[actor["name"]].add(actor["id"])
            for alias in actor.get("aliases", ()):
                table = self.exact if alias.get("case_sensitive") else self.folded
                key = alias["text"] if alias.get("case_sensitive") else fold(alias["text"])
                table[key].add(actor["id"])

    def link(self, text):
        """(actor id, confidence) for a span of `text`, or (None, 0.0)."""
        links = Counter(
            {a: n for a, n in self.past.get(fold(text), Counter()).items() if a in self.known}
        )
        total = sum(links.values())
        if total:
            (actor, count), *_ = sorted(links.items(), key=lambda item: (-item[1], item[0]))
            if count * 2 > total:
                return actor, count / total
        named = self.exact.get(text, set()) | self.folded.get(fold(text), set())
        if len(named) == 1:
            return next(iter(named)), 1.0
        return None, 0.0


def past_links(examples):
    """``{text: Counter(actor id)}`` from ``[(text, [(start, end, actor id | None)])]``."""
    out = defaultdict(Counter)
    for text, spans in examples:
        for start, end, actor in spans:
            if actor is not None:
                out[fold(text[start:end])][actor] += 1
    return dict(out)
