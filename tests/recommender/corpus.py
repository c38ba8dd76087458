"""A small news-like corpus with known entities, written as gold through
review's own path (tests.builders.add_gold), for the recommender's tests."""

from apps.documents.models import Document
from tests.builders import add_gold, span

PEOPLE = ["Maduro", "Guaidó", "Lavrov", "Blinken", "Petro", "Lula", "Boric", "Milei"]
PLACES = ["Caracas", "Moscow", "Washington", "Bogotá", "Brasília", "Santiago", "Havana"]
ORGS = ["OPEC", "the UN", "Mercosur", "the OAS", "PDVSA"]
TEMPLATES = [
    "{p} met officials in {g} on Monday, and {o} welcomed the talks.",
    "In {g}, {p} criticised {o} over the sanctions.",
    "{o} said {p} would travel to {g} next week.",
    "Protesters gathered in {g} as {p} spoke about {o}.",
]


def sentence(i):
    """(text, [(start, end, label, piece)]) of document i."""
    values = {
        "p": PEOPLE[i % len(PEOPLE)],
        "g": PLACES[(i * 3) % len(PLACES)],
        "o": ORGS[(i * 5) % len(ORGS)],
    }
    template = TEMPLATES[i % len(TEMPLATES)]
    text = template.format(**values)
    spans = []
    for key, label in (("p", "PERSON"), ("g", "GPE"), ("o", "ORG")):
        start = text.index(values[key])
        spans.append((start, start + len(values[key]), label, values[key]))
    return text, sorted(spans)


def build(project, gold=12, open_documents=4, offset=0):
    """`gold` adjudicated documents and `open_documents` not adjudicated;
    returns (gold documents, open documents)."""
    adjudicated, rest = [], []
    for i in range(offset, offset + gold + open_documents):
        text, spans = sentence(i)
        document = Document.objects.create(project=project, external_id=f"n{i}", text=text)
        if i - offset < gold:
            add_gold(
                document,
                spans=[span(f"s{j}", s, e, label) for j, (s, e, label, _) in enumerate(spans)],
            )
            adjudicated.append(document)
        else:
            rest.append(document)
    return adjudicated, rest
