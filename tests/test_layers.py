"""The layers of docs/architecture.md hold: the import contracts in pyproject.toml pass.

`make lint` runs the same check; running it here too means the suite alone
cannot pass with a layer reaching up (a service importing a job or the API,
the domain importing Flask or SQLAlchemy).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Contracts: 2 kept, 0 broken." in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0
