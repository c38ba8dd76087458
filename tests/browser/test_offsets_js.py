"""static/accord/offsets.js and words.js in real Chromium, against Python's own
code point indexing (the API's offsets)."""

import pytest

from apps.documents.text import split_sentences, token_offsets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [
    "plain ASCII text",
    "",
    "🇻🇪 Caracas",  # a flag: two regional indicators, four UTF-16 units
    "a👩‍👩‍👧b",  # a ZWJ family: five code points
    "Quo\u0302\u0301c and Nguye\u0302\u0303n",  # combining marks are code points of their own
    "line one\r\nline two\r\n",
    "السلام عليكم said 🇷🇺 Moscow",
    "שָׁלוֹם and \u200fRLM\u200e marks",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters 𝟙𝟚𝟛",
    "emoji at the end 😀",
    "😀",
    "mixed 中文 text 日本語 and 한국어 🇯🇵🇰🇷",
    "tab\tand\u00a0nbsp and \u2028 separators",
]


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def test_offsets_round_trip_in_chromium(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    expected = [
        {"text": text, "u16": [utf16_len(text[:c]) for c in range(len(text) + 1)]} for text in CASES
    ]
    failures = page.evaluate(
        """async (cases) => {
            const { OffsetMap } = await import("/static/accord/offsets.js");
            const failures = [];
            for (const { text, u16 } of cases) {
                const map = new OffsetMap(text);
                if (map.lengthCp !== u16.length - 1) failures.push([text, "length", map.lengthCp]);
                u16.forEach((u, cp) => {
                    const [u2, cp2] = [map.toUtf16(cp), map.toCodePoint(u)];
                    if (u2 !== u) failures.push([text, "toUtf16", cp, u2, u]);
                    if (cp2 !== cp) failures.push([text, "toCodePoint", u, cp2, cp]);
                    if (map.toCodePoint(u, true) !== cp) failures.push([text, "end", u]);
                });
                // Inside a surrogate pair: a start rounds down, an end rounds up.
                for (let u = 1; u < text.length; u++) {
                    const c = text.charCodeAt(u);
                    if (c >= 0xdc00 && c <= 0xdfff) {
                        const cp = map.toCodePoint(u);
                        if (map.toUtf16(cp) !== u - 1) failures.push([text, "floor", u]);
                        const up = map.toUtf16(map.toCodePoint(u, true));
                        if (up !== u + 1) failures.push([text, "ceil", u]);
                    }
                }
                for (const bad of [-1, u16.length, 1.5]) {
                    try {
                        map.toUtf16(bad);
                        failures.push([text, "accepted", bad]);
                    } catch (e) {
                        if (!(e instanceof RangeError)) failures.push([text, "error", String(e)]);
                    }
                }
            }
            return failures;
        }""",
        expected,
    )
    assert failures == []


SNAP_CASES = [
    # text, selection (UTF-16), expected snapped text; "alt" selects exact characters
    ("Moscow condemned", (2, 4), "Moscow"),
    ("Moscow condemned", (4, 9), "Moscow condemned"),
    ("said  Caracas  today", (4, 9), "Caracas"),  # whitespace at the edges goes
    ("U.S. strikes", (0, 2), "U.S."),  # a dotted abbreviation keeps its period
    ("Nguye\u0302\u0303n Quo\u0302\u0301c", (10, 12), "Quo\u0302\u0301c"),
    ("🇻🇪 flag", (1, 3), "🇻🇪"),
    ("Quo\u0302\u0301c", (0, 3, "alt"), "Quo\u0302\u0301"),  # a grapheme keeps its marks
    ("🇻🇪 flag", (1, 2, "alt"), "🇻🇪"),  # never half a flag
    ("السلام عليكم يا", (2, 8), "السلام عليكم"),
    ("   ", (0, 3), None),
]


SNAP = """async (cases) => {
    const { Tokens } = await import("/static/accord/words.js");
    const { OffsetMap } = await import("/static/accord/offsets.js");
    return cases.map(([text, bounds, sel]) => {
        const t = new Tokens(text, bounds, new OffsetMap(text));
        const r = sel[2] === "alt" ? t.snapExact(sel[0], sel[1]) : t.snap(sel[0], sel[1]);
        return r ? text.slice(r.start, r.end) : null;
    });
}"""


def test_word_snapping_in_chromium(page, live_server):
    page.goto(f"{live_server.url}/static/accord/accord.css")
    cases = [[text, token_offsets(text), list(sel)] for text, sel, _ in SNAP_CASES]
    got = page.evaluate(SNAP, cases)
    assert got == [expected for _, _, expected in SNAP_CASES]


AGREEMENT_TEXTS = [
    "Moscow’s envoy said the U.S. strikes on Caracas were “illegal”.",
    "L'Élysée a dit: l’OTAN? Non—jamais! 3,5 % de 1.000 dollars.",
    "Quo\u0302\u0301c Nguye\u0302\u0303n 🇻🇪🇷🇺 👨\u200d👩\u200d👧 left.\r\nNext line",
    "ندعو إلى الحوار وضبط النفس، قال الوزير.",
    "e.g. Dr. Smith's co-author (U.K.) didn't #win @today 🙂🙂",
]


@pytest.mark.parametrize("text", AGREEMENT_TEXTS)
def test_a_word_selected_in_the_browser_is_a_token_of_the_conll_export(page, live_server, text):
    """Clicking into any token snaps to exactly that token, the one the CoNLL
    writer writes: the browser and the export split words the same way."""
    exported = [
        (token.start, token.end) for sentence in split_sentences(text) for token in sentence.tokens
    ]
    assert exported == token_offsets(text)
    page.goto(f"{live_server.url}/static/accord/accord.css")
    u16 = [len(text[:i].encode("utf-16-le")) // 2 for i in range(len(text) + 1)]
    cases = [[text, exported, [u16[start], u16[start] + 1]] for start, _ in exported]
    got = page.evaluate(SNAP, cases)
    assert got == [text[start:end] for start, end in exported]
