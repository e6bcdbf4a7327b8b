"""Headings in what people write (issue 13): rendered as headings under the page's own levels, still cleaned."""

from frontend.markdown import render_markdown


def test_a_double_hash_heading_is_a_heading_under_the_page_sections():
    html = render_markdown("## 배경\n\n내용\n\n### 세부\n\n더")
    assert "<h3>배경</h3>" in html and "<h4>세부</h4>" in html
    assert "##" not in html


def test_the_writers_top_level_becomes_h3_and_deep_levels_stop_at_h5():
    html = render_markdown("# 제목\n\n## 둘\n\n### 셋\n\n#### 넷\n\n###### 여섯")
    assert [tag for tag in ("<h3>제목", "<h4>둘", "<h5>셋", "<h5>넷", "<h5>여섯") if tag not in html] == []
    assert "<h1>" not in html and "<h2>" not in html and "<h6>" not in html


def test_headings_stay_cleaned():
    html = render_markdown('## <script>alert(1)</script> hello\n\n<h1 onclick="x()">raw</h1>')
    assert "<script" not in html and "onclick" not in html
    assert "<h3>" in html and "hello</h3>" in html
    assert "<h1" not in html
