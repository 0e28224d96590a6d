"""docs/architecture.md names every module of the server and the sync core, for newcomers."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _modules() -> list[Path]:
    found = []
    for package in ("server", "sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            if path.name == "__init__.py" and relative.parent != Path("server"):
                continue
            found.append(relative)
    return found


def _named(module: Path) -> bool:
    """Whether the layout names the module by its path, or in its folder's row by its file name."""
    if f"`{module.as_posix()}`" in ARCHITECTURE:
        return True
    folder = re.escape(module.parent.as_posix() + "/")
    row = re.search(rf"^\| `{folder}` \|(.*)$", ARCHITECTURE, re.MULTILINE)
    return bool(row and f"`{module.name}`" in row.group(1))


def test_every_module_is_named_in_the_architecture_layout():
    assert _modules(), "no modules found: the test is looking in the wrong place"
    missing = [module.as_posix() for module in _modules() if not _named(module)]
    assert missing == [], f"name these in docs/architecture.md's directory layout: {missing}"


def test_the_layout_names_no_module_that_is_gone():
    named = re.findall(r"`((?:server|sync)/[\w/]+\.py)`", ARCHITECTURE)
    gone = [path for path in named if not (ROOT / path).exists()]
    assert gone == [], gone
