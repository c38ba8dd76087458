"""A short context snippet around a mention. Pure: strings and ints in.

Offsets are code points (Python `str` indexing), as everywhere in Accord.
The caller hands over a window of the document text that starts at
`window_start` and reaches at least `context + MARGIN` code points beyond the
mention on each side where the text goes on; the snippet takes `context` code
points each side and widens a cut that would split a character sequence a
reader sees as one (a letter and its combining marks, an emoji with its
modifiers or ZWJ joins, a flag's two regional indicators), using the margin.
A cut inside a word then falls back to the nearest space within the
snippet ("…n Ministry" reads as a typo; "… Ministry" does not); text with no
space to fall back to (Chinese, Thai) keeps the grapheme-safe cut.
"""

from apps.documents.offsets import splits_grapheme

# How far a cut may widen to keep a sequence whole; the window must carry it.
MARGIN = 8


def _inside_word(text, cut):
    """Whether a cut of `text` at `cut` parts two characters of one word."""
    return not text[cut - 1].isspace() and not text[cut].isspace()


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
    while cut > limit and splits_grapheme(before_all, cut):
        cut -= 1
    before = before_all[cut:]
    if cut > 0 and _inside_word(before_all, cut):
        space = next((i for i, c in enumerate(before) if c.isspace()), None)
        if space is not None:
            before = before[space:]

    cut = min(len(after_all), context)
    limit = min(len(after_all), cut + MARGIN)
    while cut < limit and splits_grapheme(after_all, cut):
        cut += 1
    after = after_all[:cut]
    if cut < len(after_all) and _inside_word(after_all, cut):
        space = next((i for i in range(len(after) - 1, -1, -1) if after[i].isspace()), None)
        if space is not None:
            after = after[:space]

    return {
        "before": before,
        "text": text,
        "after": after,
        "clipped_before": window_start + len(before_all) - len(before) > 0,
        "clipped_after": len(after) < len(after_all),
    }
