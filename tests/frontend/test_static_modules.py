"""The browser code is native ES modules with no build step (docs/architecture.md, "The browser code").

In production the manifest storage renames every static file after its hash; a module's relative imports
must be renamed with it, or a browser would load a hashed room.js that imports an unhashed (uncached, or
gone after a deploy) socket.js. Running collectstatic as production does (DEBUG off) checks that, and that
the imports form no cycle (the manifest storage cannot hash one: "Max post-process passes exceeded").
The strings the modules show come from one json_script blob a page (the page_strings tag).
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "frontend" / "static" / "frontend"
IMPORT = re.compile(r"""^(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)";""", re.MULTILINE)
ENTRIES = ("frontend/room.js", "frontend/vote_live.js", "frontend/ballot.js", "frontend/site_menu.js")


def test_collectstatic_in_production_rewrites_every_module_import_to_a_hashed_name(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "STATIC_ROOT": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    seen, todo = set(), list(ENTRIES)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        hashed = manifest[name]
        assert hashed != name
        text = (tmp_path / hashed).read_text()
        for specifier in IMPORT.findall(text):
            assert specifier.startswith(("./", "../")), f"{name}: only relative imports are hashed: {specifier}"
            target = os.path.normpath(os.path.join(os.path.dirname(name), specifier))
            original = next((k for k, v in manifest.items() if v == target), None)
            assert original, f"{hashed} imports {specifier}, which is not a hashed name"
            assert (tmp_path / target).exists()
            todo.append(original)
    # every module is reached from an entry: none is left behind unhashed-imported
    on_disk = {f"frontend/{p.relative_to(SOURCE).as_posix()}" for p in SOURCE.rglob("*.js")}
    assert on_disk == seen


def test_the_modules_only_import_relative_paths_ending_in_a_semicolon():
    for path in SOURCE.rglob("*.js"):
        for line in path.read_text().splitlines():
            if re.match(r"(import|export)\s.*\sfrom\s", line):
                assert IMPORT.match(line), f"{path.name}: {line!r} would not be hashed (relative, double quotes, ;)"


def test_page_strings_renders_one_json_script_blob_translated():
    template = Template(
        '{% load i18n site_tags %}{% page_strings "i18n" RoomStates=states Empty=nothing %}\n'
        '  Connected {% translate "Connected." %}\n'
        "  Quote {% translate 'Why hide this message? The reason stays on record.' %}\n"
        "{% endpage_strings %}")
    with translation.override("ko"):
        html = template.render(Context({"states": [("live", "진행 중"), ("ended", "<b>끝</b>")], "nothing": ""}))
        connected = translation.gettext("Connected.")
        reason = translation.gettext("Why hide this message? The reason stays on record.")
    assert html.startswith('<script id="i18n" type="application/json">') and html.count("<script") == 1
    data = json.loads(html.split(">", 1)[1].rsplit("</script>", 1)[0])
    assert data["Connected"] == connected != "Connected."
    assert data["Quote"] == reason
    assert data["RoomStates"] == {"live": "진행 중", "ended": "<b>끝</b>"} and "Empty" not in data
    assert "<b>" not in html  # json_script escapes what it embeds
