"""Markdown rendering for everything users write, sanitized with bleach to an allowlist.

Markdown runs first (raw HTML in the source is escaped by the allowlist afterwards), then bleach
removes every tag, attribute and URL scheme not listed here: no script, no event handler, no
``javascript:`` URL, no inline style survives.
"""

import re

import bleach
import markdown as md
from bleach.linkifier import DEFAULT_CALLBACKS

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "a", "hr",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Headings people write sit under the page's own: its title is the h1 and its sections are h2, so the
# writer's top level becomes h3 and deeper ones follow, down to h5 (the levels ALLOWED_TAGS keeps).
# "# Plan" and "## Plan" both open the text's first level; a text that starts at "##" is not pushed down.
HEADING_BASE, HEADING_DEEPEST = 3, 5
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def _shift_headings(html: str) -> str:
    """Map the text's heading levels under the page's (HEADING_BASE for the highest one used)."""
    levels = [int(level) for slash, level in _HEADING_TAG.findall(html) if not slash]
    if not levels:
        return html
    shift = HEADING_BASE - min(levels)
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + shift, HEADING_DEEPEST)}>", html)


def render_markdown(text: str) -> str:
    """Return safe HTML for user-written Markdown."""
    html = _shift_headings(md.markdown(text or "", extensions=["sane_lists"], output_format="html"))
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True,
        strip_comments=True,
    )
    return bleach.linkify(cleaned, callbacks=[*DEFAULT_CALLBACKS, _nofollow], skip_tags={"pre", "code"})


def render_plain(text: str) -> str:
    """Escape plain text (comments): no markup at all, line breaks kept, links made clickable."""
    escaped = bleach.clean(text or "", tags=set(), strip=True)
    linked = bleach.linkify(escaped, callbacks=[*DEFAULT_CALLBACKS, _nofollow])
    return "<p>" + linked.replace("\n", "<br>") + "</p>"
