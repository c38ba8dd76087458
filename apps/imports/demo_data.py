"""The demo project's content: short news items written for Accord.

The events are invented for the demo, in the style of wire copy about a
diplomatic crisis. They include what annotators meet in real news: curly
quotes, an emoji flag, a name in decomposed Unicode, a CRLF line break and a
right-to-left quotation, so every screen shows those cases working.

Annotations name their spans by a quoted surface string (and which occurrence
of it), so the offsets are computed from the text and cannot drift; claims
(stances on a concept of the codebook) and categories name theirs by name.
The two annotators disagree on a few claims and categories; the gold sets of
three documents settle them, so the network page has statements to draw.
"""

from apps.actors.starters import NEWS_LABELS

# The news schema a new project can start from, and EVENT, which the demo's
# stories need (an actor condemning an operation). kind, name, colour, key,
# description.
LABELS = [
    *[label for label in NEWS_LABELS if label[0] == "entity"],
    ("entity", "EVENT", "#f58518", "v", "An event that a stance can be about."),
    *[label for label in NEWS_LABELS if label[0] == "stance"],
]

ACTORS = [
    # name, kind, country, wikidata, aliases
    ("Russia", "state", "RU", "Q159", ["Moscow", "the Kremlin", "Russian Foreign Ministry"]),
    ("United States", "state", "US", "Q30", ["Washington", "U.S.", "the White House"]),
    ("Venezuela", "state", "VE", "Q717", ["Caracas"]),
    ("Brazil", "state", "BR", "Q155", ["Brasília"]),
    ("European Union", "igo", "", "Q458", ["EU", "Brussels"]),
    ("Organization of American States", "igo", "", "Q123759", ["OAS"]),
    ("Marta Quintero", "person", "VE", "", ["Quintero"]),
    ("Elena Sobolenko", "person", "RU", "", ["Sobolenko"]),
    ("Nguyễn Quốc Bảo", "person", "VN", "", []),
    ("Arab League", "igo", "", "Q7172", []),
]

# The codebook, written for the stories: name, parent, description, keywords.
CONCEPTS = [
    (
        "Sovereignty",
        None,
        "A state decides its own affairs; others respect its borders and government.",
        ["sovereign", "sovereignty"],
    ),
    (
        "Non-intervention",
        None,
        "Foreign states should not intervene, militarily or otherwise, in the crisis.",
        ["intervention", "interference"],
    ),
    (
        "Dialogue and de-escalation",
        None,
        "Talks and restraint, not force or sanctions, should settle the crisis.",
        ["dialogue", "talks", "restraint", "calm"],
    ),
    (
        "International law",
        None,
        "The crisis should be judged, and settled, by international law.",
        ["lawful", "legal", "law"],
    ),
    (
        "UN Charter",
        "International law",
        "The Charter's ban on the use of force and its rules for the Security Council.",
        ["charter", "aggression", "use of force"],
    ),
    (
        "Legitimacy of the interim government",
        None,
        "The interim government in Caracas is the legitimate government of Venezuela.",
        ["interim government", "interim president", "elections"],
    ),
]

# Document categories: group, several may be chosen, description, and its
# labels (name, key, description).
CATEGORY_GROUPS = [
    (
        "FRAME",
        False,
        "The story's main frame: one per document.",
        [
            ("CONFLICT", "1", "Force, threats and the military balance."),
            ("LEGALITY", "2", "Whether what was done is lawful."),
            ("DIPLOMACY", "3", "Talks, mediation, statements between governments."),
            ("GOVERNANCE", "4", "Who governs Venezuela, and how."),
        ],
    ),
    (
        "TOPIC",
        True,
        "What the story is about: as many as apply.",
        [
            ("MILITARY", "5", "Strikes, troops, military sites."),
            ("ELECTIONS", "6", "Votes, their timing and observers."),
            ("SANCTIONS", "7", "Economic pressure."),
            ("REGIONAL", "8", "The neighbours and regional bodies."),
        ],
    ),
]

QUOC = "Nguye\u0302\u0303n Quo\u0302\u0301c Ba\u0309o"  # decomposed: base letters + combining marks

ARTICLES = [
    {
        "id": "demo-001",
        "title": "Moscow condemns U.S. strikes, pledges support to Caracas",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "World",
        "published": "2026-01-06",
        "url": "https://example.org/demo/001",
        "text": (
            "Moscow condemned the U.S. air strikes on Venezuelan military sites on Tuesday, "
            "calling them “an act of armed aggression” against a sovereign state.\n"
            "In a statement, the Russian Foreign Ministry said it stood ready to support "
            "the government in Caracas and welcomed the appointment of Marta Quintero as "
            "interim president.\n"
            "Foreign Ministry spokeswoman Elena Sobolenko urged Washington to return to "
            "talks, saying that sanctions and force had failed for twenty years."
        ),
    },
    {
        "id": "demo-002",
        "title": "Brasília calls for calm as regional bloc meets",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Americas",
        "published": "2026-01-07",
        "url": "https://example.org/demo/002",
        "text": (
            "Brazil urged restraint from all sides on Wednesday as the OAS gathered for an "
            "emergency session on Venezuela 🇻🇪.\r\n"
            "Brasília said it opposed any foreign military intervention in the region but "
            "also criticised Caracas for delaying elections. Delegates from the United "
            "States defended the operation as “limited and necessary”."
        ),
    },
    {
        "id": "demo-003",
        "title": "EU divided over response to Venezuela operation",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Europe",
        "published": "2026-01-08",
        "url": "https://example.org/demo/003",
        "text": (
            "The European Union stopped short of condemning the U.S. operation on Thursday. "
            "Diplomats in Brussels said member states disagreed on whether the strikes were "
            "lawful.\n"
            f"Analyst {QUOC}, who follows Latin American security, said the EU “has no "
            "common position and is unlikely to find one this month”."
        ),
    },
    {
        "id": "demo-004",
        "title": "Arab League statement urges dialogue",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Middle East",
        "published": "2026-01-09",
        "url": "https://example.org/demo/004",
        "text": (
            "The Arab League called for dialogue between Washington and Caracas. Its "
            "statement, issued in Arabic, read: «ندعو إلى الحوار وضبط النفس» (“we call for "
            "dialogue and restraint”).\n"
            "Moscow welcomed the statement, while the White House did not comment."
        ),
    },
    {
        "id": "demo-005",
        "title": "Quintero thanks allies, promises elections",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Americas",
        "published": "2026-01-10",
        "url": "https://example.org/demo/005",
        "text": (
            "Interim president Marta Quintero thanked Russia and Brazil for their support "
            "and promised elections within a year.\n"
            "The OAS welcomed the promise but said it would send observers. Washington "
            "dismissed the pledge as “a delay tactic”."
        ),
    },
    # Three briefs the reviewer marked up herself (REVIEWER_GOLD): with the
    # three adjudicated stories they make six adjudicated documents, over the
    # five the recommender needs to learn from.
    {
        "id": "demo-006",
        "title": "Brief: OAS observers to arrive next week",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Briefs",
        "published": "2026-01-11",
        "url": "https://example.org/demo/006",
        "text": (
            "The OAS said its observers would arrive in Caracas next week. "
            "Marta Quintero welcomed the mission, and Brazil offered to host the talks."
        ),
    },
    {
        "id": "demo-007",
        "title": "Brief: Moscow and Washington trade accusations",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Briefs",
        "published": "2026-01-12",
        "url": "https://example.org/demo/007",
        "text": (
            "Elena Sobolenko accused Washington of planning new strikes. "
            "The White House said Moscow was spreading rumours about Venezuela."
        ),
    },
    {
        "id": "demo-008",
        "title": "Brief: EU ministers to meet on Venezuela",
        "outlet": "Accord Wire",
        "author": "Demo Desk",
        "section": "Briefs",
        "published": "2026-01-13",
        "url": "https://example.org/demo/008",
        "text": (
            "European Union foreign ministers will meet in Brussels on Monday. "
            "Diplomats said the EU hoped to agree a common position with the OAS."
        ),
    },
]

# Annotations by the demo annotators. A span is (id, surface, occurrence, label, actor name);
# a stance is (holder id, target id, polarity, cue id or None); a claim is
# (holder id, concept name, polarity); categories are label names.
#
# The annotators code claims and disagree on a few (a concept, a polarity, a
# claim one of them did not see), so agreement on claims has something to
# say and demo-004 waits in the review queue with claims to adjudicate. The
# gold sets below carry the claims of the adjudicated documents. Sets are
# written in this order, and an annotator holds one unfinished document at a
# time: each one's last.
ANNOTATIONS = {
    "demo-001": {
        "ana": {
            "spans": [
                ("a1", "Moscow", 0, "GPE", "Russia"),
                ("a2", "U.S.", 0, "GPE", "United States"),
                ("a3", "U.S. air strikes on Venezuelan military sites", 0, "EVENT", None),
                ("a4", "Russian Foreign Ministry", 0, "ORG", "Russia"),
                ("a5", "Caracas", 0, "GPE", "Venezuela"),
                ("a6", "Marta Quintero", 0, "PERSON", "Marta Quintero"),
                ("a7", "Elena Sobolenko", 0, "PERSON", "Elena Sobolenko"),
                ("a8", "Washington", 0, "GPE", "United States"),
                ("c1", "condemned", 0, "EVENT", None),
            ],
            "stances": [
                ("a1", "a3", "OPPOSE", "c1"),
                ("a4", "a5", "SUPPORT", None),
                ("a4", "a6", "SUPPORT", None),
                ("a7", "a8", "NEUTRAL", None),
            ],
            "claims": [
                ("a1", "Sovereignty", "SUPPORT"),
                ("a1", "UN Charter", "SUPPORT"),
                ("a4", "Legitimacy of the interim government", "SUPPORT"),
            ],
            "categories": ["CONFLICT", "MILITARY", "SANCTIONS"],
            "submit": True,
        },
        "ben": {
            "spans": [
                ("b1", "Moscow", 0, "GPE", "Russia"),
                ("b2", "U.S. air strikes", 0, "EVENT", None),
                ("b3", "Russian Foreign Ministry", 0, "ORG", "Russia"),
                ("b4", "Caracas", 0, "GPE", "Venezuela"),
                ("b5", "Marta Quintero", 0, "PERSON", "Marta Quintero"),
                ("b6", "Elena Sobolenko", 0, "PERSON", "Elena Sobolenko"),
                ("b7", "Washington", 0, "GPE", "United States"),
            ],
            "stances": [
                ("b1", "b2", "OPPOSE", None),
                ("b3", "b4", "SUPPORT", None),
                ("b3", "b5", "SUPPORT", None),
                ("b6", "b7", "OPPOSE", None),
            ],
            # ben hears non-intervention where ana hears the Charter.
            "claims": [
                ("b1", "Sovereignty", "SUPPORT"),
                ("b1", "Non-intervention", "SUPPORT"),
                ("b3", "Legitimacy of the interim government", "SUPPORT"),
            ],
            "categories": ["LEGALITY", "MILITARY"],
            "submit": True,
        },
    },
    "demo-002": {
        "ana": {
            "spans": [
                ("a1", "Brazil", 0, "GPE", "Brazil"),
                ("a2", "OAS", 0, "IGO", "Organization of American States"),
                ("a3", "Venezuela 🇻🇪", 0, "GPE", "Venezuela"),
                ("a4", "Brasília", 0, "GPE", "Brazil"),
                ("a5", "Caracas", 0, "GPE", "Venezuela"),
                ("a6", "United States", 0, "GPE", "United States"),
                ("a7", "foreign military intervention", 0, "EVENT", None),
            ],
            "stances": [
                ("a4", "a7", "OPPOSE", None),
                ("a4", "a5", "OPPOSE", None),
            ],
            "claims": [
                ("a4", "Non-intervention", "SUPPORT"),
                ("a6", "Non-intervention", "OPPOSE"),
            ],
            "categories": ["DIPLOMACY", "ELECTIONS", "MILITARY", "REGIONAL"],
            "submit": True,
        },
        "ben": {
            "spans": [
                ("b1", "Brazil", 0, "GPE", "Brazil"),
                ("b2", "OAS", 0, "IGO", "Organization of American States"),
                ("b3", "Venezuela", 0, "GPE", "Venezuela"),
                ("b4", "Brasília", 0, "GPE", "Brazil"),
                ("b5", "Caracas", 0, "GPE", "Venezuela"),
                ("b6", "United States", 0, "GPE", "United States"),
            ],
            "stances": [("b4", "b5", "OPPOSE", None)],
            "claims": [
                ("b4", "Non-intervention", "SUPPORT"),
                ("b6", "Non-intervention", "OPPOSE"),
                ("b4", "Legitimacy of the interim government", "OPPOSE"),
            ],
            "categories": ["DIPLOMACY", "REGIONAL"],
            "submit": True,
        },
    },
    "demo-005": {
        "ana": {
            "spans": [
                ("a1", "Marta Quintero", 0, "PERSON", "Marta Quintero"),
                ("a2", "Russia", 0, "GPE", "Russia"),
                ("a3", "Brazil", 0, "GPE", "Brazil"),
                ("a4", "OAS", 0, "IGO", "Organization of American States"),
                ("a5", "Washington", 0, "GPE", "United States"),
            ],
            "stances": [("a1", "a2", "SUPPORT", None), ("a1", "a3", "SUPPORT", None)],
            "claims": [
                ("a1", "Legitimacy of the interim government", "SUPPORT"),
                ("a5", "Legitimacy of the interim government", "OPPOSE"),
            ],
            "categories": ["GOVERNANCE", "ELECTIONS"],
            "submit": True,
        },
        "ben": {
            "spans": [
                ("b1", "Marta Quintero", 0, "PERSON", "Marta Quintero"),
                ("b2", "Russia", 0, "GPE", "Russia"),
                ("b3", "Brazil", 0, "GPE", "Brazil"),
                ("b4", "OAS", 0, "IGO", "Organization of American States"),
                ("b5", "Washington", 0, "GPE", "United States"),
            ],
            "stances": [("b1", "b2", "SUPPORT", None), ("b1", "b3", "SUPPORT", None)],
            "claims": [
                ("b1", "Legitimacy of the interim government", "SUPPORT"),
                ("b4", "Legitimacy of the interim government", "SUPPORT"),
            ],
            "categories": ["GOVERNANCE", "ELECTIONS"],
            "submit": True,
        },
    },
    "demo-004": {
        "ana": {
            "spans": [
                ("a1", "Arab League", 0, "IGO", "Arab League"),
                ("a2", "Washington", 0, "GPE", "United States"),
                ("a3", "Caracas", 0, "GPE", "Venezuela"),
                ("a4", "Moscow", 0, "GPE", "Russia"),
                ("a5", "White House", 0, "GPE", "United States"),
            ],
            "stances": [],
            "claims": [
                ("a1", "Dialogue and de-escalation", "SUPPORT"),
                ("a4", "Dialogue and de-escalation", "SUPPORT"),
            ],
            "categories": ["DIPLOMACY", "REGIONAL"],
            "submit": True,
        },
        "ben": {
            "spans": [
                ("b1", "Arab League", 0, "IGO", "Arab League"),
                ("b4", "Moscow", 0, "GPE", "Russia"),
            ],
            "stances": [],
            # ben reads Moscow's welcome as a reaction, not a position.
            "claims": [
                ("b1", "Dialogue and de-escalation", "SUPPORT"),
                ("b4", "Dialogue and de-escalation", "NEUTRAL"),
            ],
            "categories": ["DIPLOMACY"],
            "submit": True,
        },
    },
    "demo-003": {
        "ana": {
            "spans": [
                ("a1", "European Union", 0, "IGO", "European Union"),
                ("a2", "U.S.", 0, "GPE", "United States"),
                ("a3", "Brussels", 0, "IGO", "European Union"),
                ("a4", QUOC, 0, "PERSON", "Nguyễn Quốc Bảo"),
                ("a5", "EU", 0, "IGO", "European Union"),
            ],
            "stances": [],
            "submit": False,
        },
    },
}

# The documents a reviewer adjudicated: their gold sets, accepted. Each is
# ana's reading (the disagreements over categories settled her way) with the
# claims the reviewer coded. demo-003 and demo-004 are left to annotate.
GOLD_CLAIMS = {
    "demo-001": [
        ("a1", "Sovereignty", "SUPPORT"),
        ("a1", "UN Charter", "SUPPORT"),
        ("a4", "Legitimacy of the interim government", "SUPPORT"),
        ("a7", "Dialogue and de-escalation", "SUPPORT"),
    ],
    "demo-002": [
        ("a1", "Dialogue and de-escalation", "SUPPORT"),
        ("a4", "Non-intervention", "SUPPORT"),
        ("a4", "Legitimacy of the interim government", "OPPOSE"),
        ("a6", "Non-intervention", "OPPOSE"),
    ],
    "demo-005": [
        ("a1", "Legitimacy of the interim government", "SUPPORT"),
        ("a4", "Legitimacy of the interim government", "SUPPORT"),
        ("a5", "Legitimacy of the interim government", "OPPOSE"),
    ],
}
GOLD = {
    external_id: {**ANNOTATIONS[external_id]["ana"], "claims": claims}
    for external_id, claims in GOLD_CLAIMS.items()
}

# The briefs' gold, written by the reviewer without annotator sets (mentions
# only: no claims, so the network stays the three stories').
REVIEWER_GOLD = {
    "demo-006": {
        "spans": [
            ("g1", "OAS", 0, "IGO", "Organization of American States"),
            ("g2", "Caracas", 0, "GPE", "Venezuela"),
            ("g3", "Marta Quintero", 0, "PERSON", "Marta Quintero"),
            ("g4", "Brazil", 0, "GPE", "Brazil"),
        ],
        "stances": [],
    },
    "demo-007": {
        "spans": [
            ("g1", "Elena Sobolenko", 0, "PERSON", "Elena Sobolenko"),
            ("g2", "Washington", 0, "GPE", "United States"),
            ("g3", "White House", 0, "GPE", "United States"),
            ("g4", "Moscow", 0, "GPE", "Russia"),
            ("g5", "Venezuela", 0, "GPE", "Venezuela"),
        ],
        "stances": [],
    },
    "demo-008": {
        "spans": [
            ("g1", "European Union", 0, "IGO", "European Union"),
            ("g2", "Brussels", 0, "IGO", "European Union"),
            ("g3", "EU", 0, "IGO", "European Union"),
            ("g4", "OAS", 0, "IGO", "Organization of American States"),
        ],
        "stances": [],
    },
}
