"""The domain (and sync) stay free of the web, database and queue libraries.

Each check runs in a fresh interpreter, so modules the rest of the suite has
imported cannot hide or cause a failure. ``server/__init__.py`` imports Flask,
so the child registers a bare ``server`` package before importing
``server.domain``: only the domain's own imports are measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "redis", "rq", "werkzeug", "marshmallow")
DOMAIN_MODULES = {
    "server.domain",
    "server.domain.errors",
    "server.domain.roles",
    "server.domain.passwords",
    "server.domain.records",
    "server.domain.lights",
    "server.domain.team_lights",
    "server.domain.timescales",
}

CHILD = r"""
import importlib
import json
import pkgutil
import sys
import types
from pathlib import Path

root = Path(sys.argv[1])
forbidden = tuple(sys.argv[2].split(","))
extra = [name for name in sys.argv[3].split(",") if name]
sys.path.insert(0, str(root))

# A bare "server" package: server/__init__.py (which imports Flask) never runs.
stub = types.ModuleType("server")
stub.__path__ = [str(root / "server")]
sys.modules["server"] = stub


def loaded_forbidden():
    return {name for name in sys.modules if name.split(".")[0] in forbidden}


def package_modules(package, directory):
    names = [package] if (directory / "__init__.py").exists() else []
    for info in pkgutil.walk_packages([str(directory)], prefix=package + "."):
        names.append(info.name)
    return names


names = package_modules("server.domain", root / "server" / "domain")
sync_dir = root / "sync"
if sync_dir.is_dir() and any(sync_dir.rglob("*.py")):
    names += package_modules("sync", sync_dir)

already = sorted(loaded_forbidden())
culprits = {}
for name in names + extra:
    before = loaded_forbidden()
    importlib.import_module(name)
    pulled = sorted({n.split(".")[0] for n in loaded_forbidden() - before})
    if pulled:
        culprits[name] = pulled

print(json.dumps({
    "imported": names,
    "already": already,
    "culprits": culprits,
    "server_is_stub": sys.modules["server"] is stub,
}))
"""


def _run_child(extra: tuple[str, ...] = ()) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), ",".join(FORBIDDEN), ",".join(extra)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"importing the domain failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def _report(culprits: dict[str, list[str]]) -> str:
    return "; ".join(f"{module} imports {', '.join(libs)}" for module, libs in culprits.items())


def test_domain_and_sync_import_no_framework() -> None:
    outcome = _run_child()
    assert outcome["server_is_stub"], "server/__init__.py ran: the check measured Flask's app"
    assert not outcome["already"], f"loaded before any domain import: {outcome['already']}"
    missing = DOMAIN_MODULES - set(outcome["imported"])
    assert not missing, f"the domain walk missed modules: {sorted(missing)}"
    assert not outcome["culprits"], (
        "the pure layer must not depend on the web, database or queue: "
        + _report(outcome["culprits"])
    )


@pytest.mark.parametrize("library", ["werkzeug", "marshmallow"])
def test_the_check_names_an_offending_module(library: str) -> None:
    # The same child, asked to import a framework after the domain, must catch it.
    outcome = _run_child(extra=(library,))
    assert outcome["culprits"] == {library: [library]}
