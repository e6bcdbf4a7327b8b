"""What a process pays to start: scipy, statsmodels and pandas (about 3 s and 100 MB together) are imported
where a deliberative poll's report is computed, not when the app, the URLs, the ASGI application or
Celery are loaded, so daphne, a worker and every manage.py command start without them."""

import json
import subprocess
import sys

from django.conf import settings

HEAVY = ("scipy", "statsmodels", "pandas")

STARTUP = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
import config.asgi, config.celery
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _loaded_at_start(code: str = STARTUP) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True,
                          timeout=120, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_starting_a_process_loads_no_statistics_library():
    assert _loaded_at_start().isdisjoint(HEAVY)


def test_computing_a_report_still_finds_them():
    code = STARTUP + """
from deliberation.deliberative_polls.survey import stats
stats.yesno_change(["yes", "no", "yes"], ["no", "no", "yes"])
stats.paired_change([1, 2, 3], [2, 2, 4])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
    assert {"scipy", "statsmodels"} <= _loaded_at_start(code)
