"""Screenshots of the main pages at phone and desktop size, in Korean, on the demo: `make screenshots`.

Runs the embedded default (SQLite in a throwaway folder, no Redis) with a fresh `load_demo`, serves it
with `manage.py runembedded` on a free port, signs in as the demo people in Debian's Chromium and saves
what each sees first (the viewport, device scale 1) as docs/screenshots/<page>-<phone|desktop>.png.
The pages are tests/e2e/pages.py's, the ones the accessibility test scans.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"

# page name (tests/e2e/pages.py) -> who is looking
SHOTS = {
    "home": "anonymous", "proposals": "anonymous", "proposal": "citizen", "proposal-new": "citizen",
    "votes": "anonymous", "vote-budget": "citizen", "vote-results": "anonymous",
    "budget-project": "anonymous", "rooms": "anonymous", "room-record": "anonymous", "draws": "anonymous",
    "search": "anonymous", "privacy": "anonymous", "profile": "citizen", "jury": "anonymous", "poll-report": "anonymous", "follow-ups": "anonymous",
    "notifications": "citizen", "pool": "citizen", "follow-up-queue": "officer", "moderation": "moderator",
    "manage-votes": "staff", "sign-up": "anonymous",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(.3)
    sys.exit(f"the server did not listen on {port} within {seconds} s")


def take(base_url: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.pages import PAGES, SIZES, sign_in

    paths = {page.name: page.path() for page in PAGES if page.name in SHOTS}
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for role in dict.fromkeys(SHOTS.values()):
            context = browser.new_context(locale="ko-KR", base_url=base_url, device_scale_factor=1,
                                          extra_http_headers={"Accept-Language": "ko-KR"})
            page = context.new_page()
            sign_in(page, role)
            for name in (n for n, who in SHOTS.items() if who == role):
                for size_name, size in SIZES.items():
                    page.set_viewport_size(size)
                    page.goto(paths[name])
                    page.wait_for_load_state("networkidle")
                    saved.append(OUT / f"{name}-{size_name}.png")
                    page.screenshot(path=saved[-1])
            if role == "citizen":  # the phone's menu, open
                page.set_viewport_size(SIZES["phone"])
                page.goto("/")
                page.locator(".site-menu > summary").click()
                saved.append(OUT / "menu-phone.png")
                page.screenshot(path=saved[-1])
            context.close()
        browser.close()
    return saved


def main() -> None:
    if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
        sys.exit("run on the embedded default: unset DATABASE_URL and REDIS_URL (make screenshots does)")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SQLITE_PATH": str(Path(folder) / "demo.sqlite3"), "DJANGO_SETTINGS_MODULE": "config.settings"}
        os.environ.update(env)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        print("==> loading the demo (a minute or two)")
        subprocess.run([*manage, "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen([*manage, "runembedded", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, server)
            sys.path.insert(0, str(ROOT))
            import django  # here: the settings read SQLITE_PATH, set above

            django.setup()
            for old in OUT.glob("*.png"):
                old.unlink()
            saved = take(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"==> {len(saved)} screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
