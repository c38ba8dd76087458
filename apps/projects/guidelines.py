"""A deliberately small Markdown subset for project guidelines, rendered safely.

Guidelines are written by project owners but read by everyone, so nothing in
them may become markup: the text is escaped first and only this subset is
turned into tags afterwards. Supported: `#`–`###` headings, paragraphs,
`-`/`*` and `1.` lists (with continuation lines), `**bold**`, `*emphasis*`
and `` `code` ``. Links, images and raw HTML stay visible as plain text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
]


def _inline(text):
    html = escape(text)
    for pattern, replacement in INLINE:
        html = pattern.sub(replacement, html)
    return html


def render_guidelines(markdown):
    """HTML (marked safe) for the subset above; every input character is escaped."""
    blocks = []  # (tag, [lines]) where tag is p, ul, ol or h1..h3
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            blocks.append(None)
            continue
        heading = HEADING.match(line)
        bullet = BULLET.match(line)
        numbered = NUMBERED.match(line)
        current = blocks[-1] if blocks else None
        if heading:
            blocks.append((f"h{len(heading.group(1)) + 1}", [heading.group(2)]))
        elif bullet or numbered:
            tag = "ul" if bullet else "ol"
            item = (bullet or numbered).group(1)
            if current is not None and current[0] == tag:
                current[1].append(item)
            else:
                blocks.append((tag, [item]))
        elif current is not None and current[0] in ("ul", "ol") and raw[:1].isspace():
            current[1][-1] += " " + line.strip()  # a list item's continuation line
        elif current is not None and current[0] == "p":
            current[1].append(line.strip())
        else:
            blocks.append(("p", [line.strip()]))
    html = []
    for block in blocks:
        if block is None:
            continue
        tag, lines = block
        if tag in ("ul", "ol"):
            items = "".join(f"<li>{_inline(item)}</li>" for item in lines)
            html.append(f"<{tag}>{items}</{tag}>")
        else:
            html.append(f"<{tag}>{_inline(' '.join(lines))}</{tag}>")
    # Safe: every piece of input went through escape() above.
    return mark_safe("\n".join(html))
