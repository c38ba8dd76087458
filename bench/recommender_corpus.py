"""A deterministic corpus of news-like English articles with known entities.

For the recommender bench (bench/recommender_bench.py): ``build(n, seed)``
returns ``n`` documents as ``(doc_id, Example)`` with PERSON, ORG and GPE
spans in code points.  What makes its F1 mean something:

- a few hundred distinct names: people from first names x surnames (some
  with a middle initial), organisations from several patterns (companies,
  ministries, parties, banks "of" a place, acronyms), places (countries,
  cities, regions);
- ambiguous names: "Jordan", "Georgia", "Chad", "Victoria", "Washington",
  "Paris", "Austin", "Sydney" are places *and* people's names; "Chelsea" a
  club and a first name; a person mentioned again by surname alone;
- names and sentences never seen in training: a quarter of each name pool
  and a quarter of the sentence templates are kept for the test documents
  (``build(..., test=True)``), which draw half their names and half their
  sentences there;
- many sentence templates (quotes, datelines, headlines in title case, lists,
  possessives, names at sentence start and after titles, capitalised
  nationality adjectives, days and common words that are not entities,
  sentences with no entity at all), CRLF and blank-line paragraphs, so the model cannot learn
  one position or one template.

Names inside an organisation ("Bank of Kenya") are part of the ORG span only:
gold never overlaps.  Standard library only.
"""

import random
import re

from apps.recommender.learner import Example

FIRST = [
    "Maria", "John", "Ahmed", "Olga", "Wei", "Ana", "Pierre", "Fatima", "Kenji", "Lucia", "Omar",
    "Sofia", "Ivan", "Grace", "Daniel", "Amara", "Hassan", "Elena", "Tomas", "Priya", "Samuel",
    "Leila", "Mateo", "Ingrid", "Yusuf", "Chloe", "Dmitri", "Aisha", "Rafael", "Hanna", "Kwame",
    "Nadia", "Felix", "Mei", "Oscar", "Zainab", "Lars", "Carmen", "Viktor", "Noura", "Diego",
    "Astrid", "Tariq", "Rosa", "Emeka", "Yara", "Hugo", "Sana", "Marco", "Irina",
]  # fmt: skip
LAST = [
    "Lopez", "Smith", "Karimi", "Petrova", "Chen", "Silva", "Dubois", "Haddad", "Tanaka", "Romero",
    "Farouk", "Rossi", "Volkov", "Okafor", "Novak", "Mensah", "Rahman", "Garcia", "Schneider",
    "Nakamura", "Ibrahim", "Kowalski", "Moreau", "Hansen", "Costa", "Sato", "Adeyemi", "Morales",
    "Lindqvist", "Popescu", "Aziz", "Fischer", "Torres", "Kim", "Barzani", "Keller", "Mwangi",
    "Santos", "Bergman", "Demir", "Castillo", "Osei", "Weber", "Ortiz", "Hakimi", "Jensen",
    "Vargas", "Nasser", "Ruiz", "Kovac",
]  # fmt: skip
PLACES = [
    "Kenya", "Norway", "Peru", "Egypt", "Brazil", "Japan", "Canada", "Turkey", "Chile", "Ghana",
    "Poland", "Vietnam", "Mexico", "India", "Sweden", "Nigeria", "Argentina", "Indonesia",
    "Ukraine", "Morocco", "Portugal", "Iran", "Iraq", "Syria", "Libya", "Sudan", "Ethiopia",
    "Colombia", "Venezuela", "Pakistan", "Bangladesh", "Thailand", "Malaysia", "Greece", "Finland",
    "Austria", "Hungary", "Romania", "Serbia", "Croatia", "Algeria", "Tunisia", "Senegal", "Mali",
    "Somalia", "Yemen", "Qatar", "Oman", "Lebanon", "Israel", "Cuba", "Haiti", "Bolivia",
    "Ecuador", "Uruguay", "Nepal", "Mongolia", "Kazakhstan", "Belarus", "Nairobi", "Lima", "Cairo",
    "Oslo", "Tokyo", "Toronto", "Ankara", "Santiago", "Accra", "Warsaw", "Hanoi", "Lagos", "Kyiv",
    "Lisbon", "Baghdad", "Damascus", "Tripoli", "Khartoum", "Bogota", "Caracas", "Karachi",
    "Dhaka", "Bangkok", "Athens", "Helsinki", "Vienna", "Budapest", "Bucharest", "Belgrade",
    "Zagreb", "Algiers", "Tunis", "Dakar", "Bamako", "Beirut", "Havana", "Quito", "Kathmandu",
    "Minsk", "Geneva", "Brussels", "Berlin", "Madrid", "Rome", "London", "Moscow", "Beijing",
    "New Delhi", "Buenos Aires", "Sao Paulo", "Hong Kong", "South Africa", "New Zealand",
    "Saudi Arabia", "United States", "North Korea", "South Sudan", "Sri Lanka", "Costa Rica",
    "the Gulf", "West Africa", "Texas", "California", "Bavaria", "Catalonia", "Kashmir", "Crimea",
    "Darfur", "Gaza", "Punjab", "Siberia", "Quebec", "Ontario",
]  # fmt: skip
AMBIGUOUS_PLACES = [
    "Jordan", "Georgia", "Chad", "Victoria", "Washington", "Paris", "Austin", "Sydney",
]  # fmt: skip
AMBIGUOUS_FIRST = [
    "Jordan", "Georgia", "Chad", "Victoria", "Paris", "Austin", "Sydney", "Chelsea",
]  # fmt: skip
AMBIGUOUS_LAST = ["Washington", "Jordan"]
ORG_HEADS = [
    "Northern", "Atlantic", "Pacific", "Global", "United", "National", "Royal", "Eastern",
    "Golden", "Silver", "Summit", "Harbor", "Crescent", "Meridian", "Apex", "Union", "Sterling",
    "Horizon", "Delta", "Boreal",
]  # fmt: skip
ORG_TAILS = [
    "Steel", "Oil", "Energy", "Mining", "Telecom", "Airlines", "Shipping", "Motors", "Pharma",
    "Foods", "Holdings", "Capital", "Media", "Insurance", "Rail",
]  # fmt: skip
ORG_SUFFIXES = [
    "Corp", "Group", "Inc", "Ltd", "", "", "",
]  # fmt: skip
ORG_FIXED = [
    "NATO", "OPEC", "UNICEF", "UNHCR", "the World Bank", "the United Nations",
    "the European Union", "the African Union", "the IMF", "the Red Cross", "Amnesty International",
    "Human Rights Watch", "the World Health Organization", "Reuters", "the Associated Press",
    "Chelsea", "Real Madrid", "the Labour Party", "the Green Party", "the People's Alliance",
    "the Freedom Movement", "the Supreme Court", "the Central Bank", "the Senate", "Parliament",
    "the Ministry of Finance", "the Ministry of Defence", "the Interior Ministry",
    "the Foreign Ministry", "Harvard University", "the University of Lagos", "Oxfam", "Greenpeace",
    "Gazprom", "Toyota", "Siemens", "Samsung", "Shell",
]  # fmt: skip

TITLES = [
    "President", "Prime Minister", "Foreign Minister", "Finance Minister", "Mr.", "Ms.", "Dr.",
    "Gen.", "Sen.", "opposition leader", "chief executive", "spokeswoman", "spokesman", "Judge",
    "Governor", "Mayor", "Ambassador", "former president",
]  # fmt: skip
WORDS = [
    "talks", "sanctions", "exports", "border", "security", "election", "forces", "statement",
    "allies", "region", "crisis", "agreement", "budget", "inflation", "prices", "protests",
    "ceasefire", "vote", "reforms", "investment", "pipeline", "drought", "floods", "refugees",
    "tariffs", "debt", "strike", "negotiations", "aid", "troops", "parliament", "court",
]  # fmt: skip
ADJ = [
    "new", "fresh", "tough", "cautious", "rare", "broad", "sudden", "fragile", "major", "urgent",
]  # fmt: skip
DAYS = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
]  # fmt: skip
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November",
]  # fmt: skip

# Sentence templates. {P} a person's full name, {S} the surname of the last
# person named, {O} an organisation, {G} a place, {T} a title, {W} a news
# word, {A} an adjective, {D} a day, {M} a month, {N} a number, {Q} a
# nationality adjective (not an entity: no NORP label here).  A trailing
# underscore ({W_}) capitalises the word, as a headline does.
TEMPLATES = [
    "{P} said on {D} that {O} would invest in {G}.",
    "{T} {P} told reporters in {G} that the {W} would continue.",
    "“We will not accept this,” {P} said, adding that {O} had been warned.",
    "In {G}, officials of {O} met {P} to discuss the {W}.",
    "{O} announced a {A} {W} plan for {G} on {D}.",
    "The {W} in {G} has worsened, according to {O}.",
    "{S} later said the {W} was {A}.",
    "{G}'s {W} fell by {N} percent in {M}, {O} said.",
    "Talks between {G} and {G} stalled over the {W}.",
    "{P}, a senior adviser at {O}, declined to comment.",
    "According to {P}, {O} has {N} staff in {G}.",
    "A spokesperson for {O} said {S} would travel to {G} next week.",
    "{T} {P} and {T} {P} signed the {W} in {G}.",
    "Shares of {O} rose {N} percent after {P} resigned.",
    "Protesters gathered outside the offices of {O} in {G} on {D}.",
    "“The {W} is {A},” said {P} of {O}.",
    "{O} and {O} agreed on a {A} {W}, {P} confirmed.",
    "The {W} was discussed when {P} visited {G} in {M}.",
    "Officials said the {W} would be reviewed by {N} {M}.",
    "There was no immediate comment from the government.",
    "Analysts expect the {W} to dominate the coming weeks.",
    "Prices have risen for {N} months in a row.",
    "{S} has denied any wrongdoing.",
    "Critics of {S} say the {W} came too late.",
    "Neither {O} nor officials in {G} responded to requests for comment.",
    "{P} ({O}) was elected with {N} percent of the vote.",
    "Residents of {G} said the {W} had hit them hard.",
    "{G} and {O} have been at odds over the {W} since {M}.",
    "Earlier, {P} had accused {O} of blocking the {W}.",
    "The agreement, backed by {O}, covers {G}, {G} and {G}.",
    "{S}'s allies in {G} welcomed the decision.",
    "It was not clear whether {O} would appeal.",
    "{P} is expected to meet {P} in {G} on {D}.",
    "Speaking in {G}, {S} called for calm.",
    "{O} said on {D} it had suspended operations in {G}.",
    "“Nobody expected this,” a resident of {G} told {O}.",
    "{Q} officials said the {W} with {G} was {A}.",
    "{D}'s meeting of {O} ended without a deal on the {W}.",
    "The {Q} delegation, led by {P}, left {G} early.",
    "Government sources in {G} said {S} had been {A} about the {W}.",
    "{S} flew to {G} after {Q} and {Q} leaders met.",
    "Mayor of {G} {P} said the city would cope.",
    "{P} of {G} and {P} of {G} shared the prize.",
    "Asked about {O}, {S} replied: “{A_} times call for {A} {W}.”",
    "{O} chairman {P} said {Q} investors were {A}.",
    "“{G} must act,” {P} wrote on social media.",
    "The {W} ({O}) covers {N} countries, including {G}.",
    "North and South are divided over the {W}, {P} said.",
    "Since {M}, {O} has doubled its presence in {G}.",
    "{P} -- who heads {O} -- will step down in {M}.",
    "Exports to {G} are down, the {Q} statistics office said.",
    "{S} and {S} both denied it.",
    "Most {Q} voters back the {W}, a poll by {O} found.",
    "By {D}, {O} had pulled out of {G} entirely.",
    "Monday’s {W} in {G} drew thousands.",
    "Critics, including {P}, say {O} ignored {G}.",
    "Security Council members will vote on the {W} on {D}.",
    "{G}-based {O} said profits rose {N} percent.",
    "Witnesses told {O} that troops had entered {G}.",
    "Independent experts doubt {O} can deliver.",
]
NATIONALITIES = [
    "Kenyan", "Norwegian", "Peruvian", "Egyptian", "Brazilian", "Japanese", "Canadian", "Turkish",
    "European", "African", "Asian", "Western", "Arab", "Chinese", "Russian", "American", "British",
    "French", "German", "Indian", "Iranian", "Syrian",
]  # fmt: skip

HEADLINES = [
    "{G} {W_} Talks Stall As {O} Warns",
    "{P} Wins {W_} Vote In {G}",
    "{O} To Cut {N} Jobs",
    "{A_} {W_} Hits {G}",
    "{S} Rejects {O} Offer",
]


def _name_pools(rng):
    people = set()
    while len(people) < 320:
        first = rng.choice(FIRST + AMBIGUOUS_FIRST) if rng.random() < 0.95 else rng.choice(FIRST)
        last = rng.choice(LAST + AMBIGUOUS_LAST) if rng.random() < 0.97 else rng.choice(LAST)
        middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.1 else ""
        people.add((f"{first}{middle} {last}", last))
    people = sorted(people)
    orgs = set(ORG_FIXED)
    while len(orgs) < 160:
        kind = rng.random()
        if kind < 0.55:
            suffix = rng.choice(ORG_SUFFIXES)
            name = f"{rng.choice(ORG_HEADS)} {rng.choice(ORG_TAILS)}" + (
                f" {suffix}" if suffix else ""
            )
        elif kind < 0.75:
            name = f"{rng.choice(PLACES[:60]).removeprefix('the ')} {rng.choice(ORG_TAILS)}"
        elif kind < 0.9:
            name = f"the Bank of {rng.choice(PLACES[:60])}"
        else:
            name = "".join(rng.choice("ABCDEFGHIKLMNPRSTUW") for _ in range(rng.choice((3, 4))))
        orgs.add(name)
    places = sorted(set(PLACES + AMBIGUOUS_PLACES))
    return people, sorted(orgs), places


def _split_pool(rng, pool):
    """(seen, unseen): a quarter of the names only ever appear in test documents."""
    pool = list(pool)
    rng.shuffle(pool)
    cut = len(pool) // 4
    return pool[cut:], pool[:cut]


class _Pools:
    def __init__(self, seed):
        rng = random.Random(f"pools:{seed}")
        people, orgs, places = _name_pools(rng)
        self.seen, self.unseen = {}, {}
        for key, pool in (("P", people), ("O", orgs), ("G", places)):
            self.seen[key], self.unseen[key] = _split_pool(rng, pool)
        templates = list(TEMPLATES)
        rng.shuffle(templates)
        cut = len(templates) // 4
        self.templates_seen, self.templates_unseen = templates[cut:], templates[:cut]
        # the ambiguous places are always seen, so the model meets both readings
        for name in AMBIGUOUS_PLACES:
            if name in self.unseen["G"]:
                self.unseen["G"].remove(name)
                self.seen["G"].append(name)

    def template(self, rng, test):
        """A template; test documents draw half of theirs from the quarter never trained on."""
        if test and rng.random() < 0.5:
            return rng.choice(self.templates_unseen)
        return rng.choice(self.templates_seen)

    def pick(self, rng, key, test):
        pool = self.unseen[key] if test and rng.random() < 0.5 else self.seen[key]
        return rng.choice(pool)


_SLOT = re.compile(r"\{([A-Z])(_?)\}")


def _fill(template, rng, pools, test, state, out, title_case=False):
    """Append the template's text to ``out`` (a list of (text, label or None))."""
    at = 0
    for m in _SLOT.finditer(template):
        if m.start() > at:
            out.append((template[at : m.start()], None))
        key = m.group(1)
        label = None
        if key == "P":
            name, surname = pools.pick(rng, "P", test)
            state["surname"] = surname
            text, label = name, "PERSON"
        elif key == "S":
            if state.get("surname") is None:
                name, surname = pools.pick(rng, "P", test)
                state["surname"] = surname
                text = name
            else:
                text = state["surname"]
            label = "PERSON"
        elif key == "O":
            text, label = pools.pick(rng, "O", test), "ORG"
        elif key == "G":
            text, label = pools.pick(rng, "G", test), "GPE"
        elif key == "T":
            text = rng.choice(TITLES)
        elif key == "W":
            text = rng.choice(WORDS)
        elif key == "A":
            text = rng.choice(ADJ)
        elif key == "D":
            text = rng.choice(DAYS)
        elif key == "M":
            text = rng.choice(MONTHS)
        elif key == "Q":
            text = rng.choice(NATIONALITIES)
        else:
            text = str(rng.choice((2, 3, 5, 7, 12, 15, 40, 120, 1500)))
        if (title_case or m.group(2)) and label is None:
            text = text[:1].upper() + text[1:]
        if label and text.startswith("the "):
            # the article stays outside the span, as CoNLL annotates it
            starts_sentence = not out or out[-1][0].endswith(("\n", ". ", "“", "— "))
            out.append(("The " if starts_sentence else "the ", None))
            text = text[4:]
        out.append((text, label))
        at = m.end()
    if at < len(template):
        out.append((template[at:], None))


def _document(index, seed, pools, test):
    rng = random.Random(f"doc:{seed}:{index}:{test}")
    state = {}
    parts: list[tuple[str, str | None]] = []
    if rng.random() < 0.7:
        _fill(rng.choice(HEADLINES), rng, pools, test, state, parts, title_case=True)
        parts.append(("\n", None))
    newline = "\r\n" if rng.random() < 0.15 else "\n"
    if rng.random() < 0.6:
        place = pools.pick(rng, "G", test)
        parts.append((place.upper() if rng.random() < 0.3 else place, "GPE"))
        parts.append((", ", None))
        parts.append((f"{rng.choice(MONTHS)} {rng.randint(1, 28)} (", None))
        parts.append((rng.choice(("Reuters", "AFP", "the Associated Press")), "ORG"))
        parts.append((") — ", None))
    n_sentences = rng.randint(4, 10)
    for k in range(n_sentences):
        _fill(pools.template(rng, test), rng, pools, test, state, parts)
        if k < n_sentences - 1:
            parts.append(((newline * 2) if rng.random() < 0.3 else " ", None))
    text, spans = [], []
    at = 0
    for chunk, label in parts:
        if label:
            spans.append((at, at + len(chunk), label))
        text.append(chunk)
        at += len(chunk)
    return Example("".join(text), tuple(spans))


def build(n: int, seed: int = 0, test: bool = False) -> list[tuple[str, Example]]:
    """``n`` documents; ``test=True`` draws half the names from those never used otherwise."""
    pools = _Pools(seed)
    prefix = "test" if test else "train"
    return [(f"{prefix}-{i}", _document(i, seed, pools, test)) for i in range(n)]


def unseen_names(seed: int = 0) -> dict[str, set[str]]:
    """The names only test documents use, per label (for recall on unseen names)."""
    pools = _Pools(seed)
    return {
        "PERSON": {name for name, _ in pools.unseen["P"]},
        "ORG": set(pools.unseen["O"]),
        "GPE": set(pools.unseen["G"]),
    }
