"""Korean is complete: every message id in the code has a Korean translation, compiled.

Runs makemessages on a copy of the source tree (so the repository is not touched), merging the
committed Korean catalogue, and asks msgfmt for statistics: nothing untranslated, nothing fuzzy.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
KO_PO = ROOT / "frontend" / "locale" / "ko" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ("config", "accounts", "core", "proposals", "deliberation", "voting", "imports", "realtime", "governance",
               "budget", "frontend")


def _statistics(po: Path) -> str:
    result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True,
                            text=True, check=True)
    return result.stderr.strip()


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    assert shutil.which("msgfmt"), "Debian's gettext is required (make test installs it)"
    copy = tmp_path_factory.mktemp("src")
    shutil.copy(ROOT / "manage.py", copy)
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "ko", "--no-obsolete"], cwd=copy,
                   check=True, capture_output=True, env={"PATH": "/usr/bin:/bin"})
    return copy / "frontend" / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def test_committed_korean_catalogue_is_complete():
    stats = _statistics(KO_PO)
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_every_message_in_the_code_has_a_korean_translation(fresh_catalogue):
    stats = _statistics(fresh_catalogue)
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{stats}: run `make messages` and translate the new entries in {KO_PO.relative_to(ROOT)}"
    )
    assert int(re.match(r"(\d+) translated", stats).group(1)) > 100


def test_compiled_korean_catalogue_is_used():
    with translation.override("ko"):
        assert translation.gettext("Proposals") == "제안"
        assert translation.gettext("Gangnam-gu") == "강남구"
