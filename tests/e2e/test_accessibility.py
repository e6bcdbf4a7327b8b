"""axe-core over the main pages, at phone and desktop size, as an anonymous visitor and as each role.

WCAG 2.0 and 2.1, levels A and AA (KWCAG 2.2, which Korean public sites follow, is WCAG 2.1 AA):
every page must have zero violations. The pages and who sees them: tests/e2e/pages.py, on the demo
data. axe-core is a test tool fetched by `make test-deps` (Makefile, AXE_VERSION: the npm tarball,
pinned by sha256, unpacked into .cache/); AXE_JS may point to another copy. Without it the test fails
and says how to get it: it is never skipped.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from .pages import ROLES, SIZES, pages_for, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.long, pytest.mark.django_db(transaction=True)]

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    path = os.environ.get("AXE_JS")
    if not path:
        version = re.search(r"^AXE_VERSION := (\S+)$", (settings.BASE_DIR / "Makefile").read_text(), re.M)[1]
        path = settings.BASE_DIR / ".cache" / f"axe-core-{version}" / "axe.min.js"
    if not Path(path).is_file():
        pytest.fail(f"axe-core is missing at {path}: run `make test-deps` (it fetches the pinned npm package), "
                    "or set AXE_JS to an axe.min.js", pytrace=False)
    return Path(path).read_text()


def run_axe(page) -> list[dict]:
    """axe's violations on the page, which got axe-core from its context's init script (see the test)."""
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected into the page"
    return page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))})))",
        WCAG_A_AA,
    )


def load_demo() -> None:
    """The demo (270 residents: the fewest with which it has its deliberative poll), loaded in a thread of its own: its services broadcast on commit (async_to_sync), which
    cannot run in the test's thread, where Playwright's event loop runs."""
    errors = []

    def run():
        try:
            call_command("load_demo", "--supporters", "270", stdout=open(os.devnull, "w"))
        except Exception as error:  # noqa: BLE001 (re-raised in the test's thread)
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def describe(violations: list[tuple[str, dict]]) -> str:
    lines = []
    for where, v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"][:5])
        if len(v["targets"]) > 5:
            lines.append(f"    … and {len(v['targets']) - 5} more")
    return "\n".join(lines)


# One test for every role: the demo is loaded once (about 20 s), then one browser context per role.
@pytest.mark.timeout(600)
def test_the_main_pages_have_no_wcag_a_or_aa_violations(browser, live_server):
    source = axe_source()
    load_demo()
    found, visited = [], 0
    for role in ROLES:
        context = browser.new_context(locale="ko-KR", base_url=live_server.url,
                                      extra_http_headers={"Accept-Language": "ko-KR"})
        context.set_default_timeout(15_000)
        # axe-core goes in once per context, as an init script that runs in every document the context loads.
        # Like page.evaluate, it goes through the DevTools protocol, which the page's Content-Security-Policy
        # (script-src 'self', config/security.py) does not govern, so the pages are scanned under their real
        # policy (a <script> tag, add_script_tag, would be refused by it). Sending the 500 kB source with every
        # page cost 24 of the test's 130 s alone.
        context.add_init_script(source)
        page = context.new_page()
        try:
            sign_in(page, role)
            for name, path in pages_for(role):
                for size_name, size in SIZES.items():
                    page.set_viewport_size(size)
                    response = page.goto(path)
                    assert response.ok, f"{role} {path}: HTTP {response.status}"
                    found += [(f"{role} {size_name} {name} {path}", v) for v in run_axe(page)]
                    visited += 1
        finally:
            context.close()
    assert visited == 2 * sum(len(pages_for(role)) for role in ROLES) > 80
    assert not found, f"{len(found)} accessibility violations:\n" + describe(found)
