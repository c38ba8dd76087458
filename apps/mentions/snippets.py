"""A short context snippet around a mention. Pure: strings and ints in.

Offsets are code points (Python `str` indexing), as everywhere in Accord.
The caller hands over a window of the document text that starts at
`window_start` and reaches at least `context + MARGIN` code points beyond the
mention on each side where the text goes on; the snippet takes `context` code
points each side and widens a cut that would split a character sequence a
reader sees as one (a letter and its combining marks, an emoji with its
modifiers or ZWJ joins, a flag's two regional indicators), using the margin.
"""

import unicodedata

# How far a cut may widen to keep a sequence whole; the window must carry it.
MARGIN = 8

ZWJ = "\u200d"


def _is_regional_indicator(char):
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _extends(char):
    """True for a code point that belongs to the character before it."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == ZWJ
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin-tone modifiers
        or "\U000e0020" <= char <= "\U000e007f"  # tag sequences (subdivision flags)
    )


def _splits(text, cut):
    """True when cutting `text` at `cut` separates two code points that belong together."""
    if cut <= 0 or cut >= len(text):
        return False
    before, after = text[cut - 1], text[cut]
    if _extends(after) or before == ZWJ:
        return True
    if _is_regional_indicator(before) and _is_regional_indicator(after):
        # Flags pair regional indicators from the left: a cut after an odd
        # number of them falls inside a flag.
        run = 0
        while cut - run - 1 >= 0 and _is_regional_indicator(text[cut - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def snippet(window, window_start, start, end, context):
    """{"before", "text", "after", "clipped_before", "clipped_after"} for the
    mention [start, end) of the document, given the window of its text that
    begins at `window_start`."""
    offset = start - window_start
    before_all = window[:offset]
    text = window[offset : offset + (end - start)]
    after_all = window[offset + (end - start) :]

    cut = max(0, len(before_all) - context)
    limit = max(0, cut - MARGIN)
    while cut > limit and _splits(before_all, cut):
        cut -= 1
    before = before_all[cut:]

    cut = min(len(after_all), context)
    limit = min(len(after_all), cut + MARGIN)
    while cut < limit and _splits(after_all, cut):
        cut += 1
    after = after_all[:cut]

    return {
        "before": before,
        "text": text,
        "after": after,
        "clipped_before": window_start + len(before_all) - len(before) > 0,
        "clipped_after": len(after) < len(after_all),
    }
