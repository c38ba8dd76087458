"""Search keys: how a query typed in a hurry meets a name as it is spelled.

Users type "Nguyen" for "Nguyễn", "lodz" for "Łódź", "erdogan" for
"Erdoğan", without thinking about case. `search_key` folds both the stored
name and the query to the same key: case folded, and the marks that a
keyboard makes optional dropped. Only those marks go: on Latin, Greek and
Cyrillic letters (their diacritics), and the optional vowel points of Arabic
and Hebrew. Marks that make a different letter elsewhere (Japanese dakuten:
か is not が, Devanagari vowel signs) are kept, so a search never finds what
the reader would call another word. Pure Python; the models store the key
beside the name (SearchKeyField) so a search is one indexed LIKE.
"""

import unicodedata

# Letters whose stroke is part of the letter, so decomposition keeps them whole.
_STROKED = str.maketrans(
    {"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ø": "o", "ŧ": "t",
     "æ": "ae", "œ": "oe", "þ": "th"}
)  # fmt: skip


def _optional(mark, base):
    """Whether a combining `mark` after the letter `base` may be left out."""
    code = ord(mark)
    if 0x064B <= code <= 0x065F or code == 0x0670 or 0x0591 <= code <= 0x05C7:
        return True  # Arabic harakat, Hebrew points: optional vowel marks
    return base is not None and ord(base) < 0x0530  # Latin, Greek, Cyrillic


def search_key(text):
    """The key of `text` for accent- and case-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    base = None
    for char in decomposed:
        if unicodedata.combining(char):
            if _optional(char, base):
                continue
        else:
            base = char
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_STROKED)
