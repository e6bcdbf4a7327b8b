"""Markdown rendering for everything users write, sanitized with bleach to an allowlist.

Markdown runs first (raw HTML in the source is escaped by the allowlist afterwards), then bleach
removes every tag, attribute and URL scheme not listed here: no script, no event handler, no
``javascript:`` URL, no inline style survives.
"""

import bleach
import markdown as md
from bleach.linkifier import DEFAULT_CALLBACKS

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "a", "hr",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def render_markdown(text: str) -> str:
    """Return safe HTML for user-written Markdown."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
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
