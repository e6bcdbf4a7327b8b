"""Every piece of user-written text goes through render_markdown; nothing executable may come out."""

from html.parser import HTMLParser

import pytest

from frontend.markdown import ALLOWED_TAGS, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"  JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<a href=\"vbscript:msgbox(1)\">click</a>",
    "<p style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">styled</p>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<details open ontoggle=alert(1)>x</details>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\" style=\"color:red\">ok</a>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<!-- <script>alert(1)</script> -->",
]


class _Audit(HTMLParser):
    """Collects every tag and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend((tag, name, value) for name, value in attrs)

    handle_startendtag = handle_starttag


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_xss_payload_survives(payload):
    html = render_markdown(payload)
    found = audit(html)

    assert set(found.tags) <= ALLOWED_TAGS, html
    for tag, name, value in found.attrs:
        assert not name.startswith("on"), html
        assert name != "style", html
        assert (tag, name) in {("a", "href"), ("a", "rel"), ("a", "title")}, html
        if name == "href":
            assert value.startswith(("http://", "https://", "mailto:")), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendering_twice_is_stable(payload):
    # Bodies are stored rendered; re-rendering stored HTML must not resurrect anything either.
    html = render_markdown(render_markdown(payload))

    assert set(audit(html).tags) <= ALLOWED_TAGS
    assert not any(name.startswith("on") for _, name, _ in audit(html).attrs)


def test_markdown_formatting_is_kept():
    html = render_markdown("**굵게** and *기울임*\n\n- 하나\n- 둘\n\n1. first\n\n> 인용\n\n`code`")

    assert "<strong>굵게</strong>" in html
    assert "<em>기울임</em>" in html
    assert "<ul>" in html and "<li>하나</li>" in html
    assert "<ol>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html


def test_links_keep_their_url_and_get_nofollow():
    found = audit(render_markdown("[서울시](https://www.seoul.go.kr) and [메일](mailto:a@example.org)"))

    hrefs = [(v) for tag, name, v in found.attrs if name == "href"]
    rels = [v for tag, name, v in found.attrs if name == "rel"]
    assert hrefs == ["https://www.seoul.go.kr", "mailto:a@example.org"]
    assert rels and all("nofollow" in rel.split() for rel in rels)


def test_bare_urls_become_nofollow_links():
    found = audit(render_markdown("자세한 내용은 www.example.org 참고"))

    assert ("a", "href", "http://www.example.org") in found.attrs
    assert any(name == "rel" and "nofollow" in value for _, name, value in found.attrs)


def test_script_text_is_escaped_not_executed():
    html = render_markdown("a < b && <script>x</script>")

    assert "<script" not in html
    assert "script" not in audit(html).tags


def test_empty_text_renders_to_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
