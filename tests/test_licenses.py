"""Every installed distribution is free software compatible with AGPL-3.0-or-later.

Checks what `pip install -r requirements-test.txt` really pulled in (indirect dependencies too),
from each package's own metadata: License-Expression, License and the license classifiers.
"""

from importlib.metadata import distributions

import pytest

FREE = ("MIT", "BSD", "APACHE", "PSF", "PYTHON SOFTWARE FOUNDATION", "ZPL", "ZOPE PUBLIC", "LGPL", "GPL", "MPL",
        "MOZILLA PUBLIC", "GNU GENERAL PUBLIC", "GNU LESSER GENERAL PUBLIC", "ISC", "TCL", "UNLICENSE", "PUBLIC DOMAIN", "0BSD", "MIT-0")
NOT_FREE = ("PROPRIETARY", "COMMERCIAL", "NON-COMMERCIAL", "SSPL", "BUSL", "ELASTIC", "FREEWARE", "SHAREWARE")


def _license_text(dist) -> str:
    meta = dist.metadata
    parts = [meta.get("License-Expression") or "", (meta.get("License") or "")[:200]]
    parts += [c for c in (meta.get_all("Classifier") or []) if c.startswith("License")]
    if not any(parts):  # no license in the metadata: the title of the license file it ships (PEP 639)
        for name in meta.get_all("License-File") or []:
            text = dist.read_text(f"licenses/{name}") or dist.read_text(name) or ""
            parts.append(" ".join(text.split()[:8]))
    return " ".join(parts).upper()


def _all_distributions():
    return sorted({d.metadata["Name"].lower(): d for d in distributions()}.items())


@pytest.mark.parametrize(("name", "dist"), _all_distributions(), ids=lambda v: v if isinstance(v, str) else "")
def test_installed_distribution_is_free_software(name, dist):
    text = _license_text(dist)
    assert not any(word in text for word in NOT_FREE), f"{name}: non-free license: {text}"
    assert any(word in text for word in FREE), f"{name}: no recognisable free license in its metadata: {text!r}"
