"""No app imports another app's private names (the import contract's rule that import-linter cannot state).

A name that starts with one underscore (``_lock``, ``_seat``, a module ``_helpers``) is its module's own.
Another app (``accounts``, ``proposals``, ``voting`` ...; the four packages of ``deliberation``, which are
apps in all but their Django label, count as apps here) must ask for a public name instead. The other
contracts (rooms imports none of its siblings, panels none of juries or polls, selectors no services)
are in ``.importlinter`` and run by ``make test`` (``lint-imports``).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "config", "deliberation", "frontend", "imports", "proposals", "voting")
# deliberation's packages are apps of their own for this rule; its app-level modules (models.py, tasks.py,
# apps.py, demo.py, admin.py, management/) gather them and may reach into each.
DELIBERATION_PACKAGES = ("rooms", "panels", "juries", "deliberative_polls")


def owner(module: str) -> str:
    """The app a dotted module name belongs to: its top package, or deliberation.<package>."""
    parts = module.split(".")
    if parts[0] == "deliberation" and len(parts) > 1 and parts[1] in DELIBERATION_PACKAGES:
        return ".".join(parts[:2])
    return parts[0]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Each ``from other_app.x import _name`` (or ``other_app._x``) in the file, as "line: module.name"."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            target, names = "", [alias.name for alias in node.names]
        else:
            continue
        for full in names:
            if owner(full) == owner(here) or full.split(".")[0] not in APPS:
                continue
            if any(is_private(part) for part in full.split(".")):
                found.append(f"{node.lineno}: {full}")
    return found


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_the_checker_finds_a_private_name_of_another_app(tmp_path):
    planted = tmp_path / "voting" / "views.py"
    planted.parent.mkdir()
    planted.write_text("from proposals.services.lifecycle import _lock, transition\n"
                       "from voting.selectors import _cells\n"
                       "from deliberation.juries.services.juries import _seat\n")
    assert private_imports(planted, tmp_path) == ["1: proposals.services.lifecycle._lock",
                                        "3: deliberation.juries.services.juries._seat"]
    sibling = tmp_path / "deliberation" / "juries" / "views.py"
    sibling.parent.mkdir(parents=True)
    sibling.write_text("from deliberation.rooms.services.rooms import _room_part\nfrom ..panels import _x\n")
    assert private_imports(sibling, tmp_path) == ["1: deliberation.rooms.services.rooms._room_part",
                                        "2: deliberation.panels._x"]


def test_no_module_imports_another_apps_private_names():
    found = {str(path.relative_to(ROOT)): names for path in _modules() if (names := private_imports(path))}
    assert found == {}
