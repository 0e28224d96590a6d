"""gunicorn as a subprocess for the sync tests: start, wait until it answers, kill.

Each server runs in a process group of its own (``start_new_session``), so a
test can SIGKILL the master and its workers at once, as a crashed host would,
and the cleanup never leaves a worker behind. Every wait has a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BOOT_TIMEOUT = 60  # seconds for gunicorn to listen and answer healthy
STOP_TIMEOUT = 15  # seconds for a stopped process group to be reaped


def server_env(database_url: str, instance_path: Path) -> dict[str, str]:
    """The environment of the app processes, pointed at the test's database and Redis.

    PRODUCTION stays off: its session cookie is ``Secure``, which a client on
    plain http://127.0.0.1 never sends back.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FLASK_") and key not in ("PRODUCTION", "DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="sync-process-test-secret-key",
        INSTANCE_PATH=str(instance_path),
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


class Gunicorn:
    """One gunicorn master and its workers, in their own process group."""

    def __init__(
        self, env: dict[str, str], log_path: Path, *, workers: int = 1, threads: int = 1
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self) -> str:
        """Start the server and return its base URL once it answers /api/health."""
        assert self.process is None, "already running"
        command = [
            str(BIN / "gunicorn"),
            "--bind=127.0.0.1:0",  # the kernel picks a free port; the log says which
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--no-control-socket",
            "server:create_app()",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches every worker
            )
        self.base_url = self._wait_for_listening()
        self._wait_for_health()
        return self.base_url

    def _fail(self, message: str) -> None:
        self.kill()
        raise RuntimeError(f"{message}\n{tail(self.log_path)}")

    def _wait_for_listening(self) -> str:
        assert self.process is not None
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._fail(f"gunicorn exited with {self.process.returncode}")
            text = self.log_path.read_text(errors="replace")
            match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
            if match:
                return match.group(1)
            time.sleep(0.05)
        self._fail(f"gunicorn did not listen within {BOOT_TIMEOUT}s")
        raise AssertionError("unreachable")

    def _wait_for_health(self) -> None:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                self._fail(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(  # noqa: S310 (http on localhost)
                    f"{self.base_url}/api/health", timeout=5
                ) as response:
                    if response.status == 200 and json.load(response)["database"] == "ok":
                        return
            except (OSError, ValueError, KeyError):
                pass  # workers still booting
            time.sleep(0.1)
        self._fail(f"gunicorn did not answer healthy within {BOOT_TIMEOUT}s")

    def worker_pids(self) -> list[int]:
        text = self.log_path.read_text(errors="replace")
        return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", text)]

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crashed host would."""
        self._signal_group(signal.SIGKILL)

    def stop(self) -> None:
        """Stop gracefully if it can, by force if it must; always reap the master."""
        self._signal_group(signal.SIGTERM)

    def _signal_group(self, sig: signal.Signals) -> None:
        process = self.process
        if process is None:
            return
        try:
            if process.returncode is None:
                _killpg(process.pid, sig)
                if not _exited(process.pid, STOP_TIMEOUT):
                    _killpg(process.pid, signal.SIGKILL)
                    _exited(process.pid, STOP_TIMEOUT)
                # The master is a zombie, not yet reaped, so its pid (the group's id)
                # cannot have been reused: no worker of the group survives it.
                _killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT)
        finally:
            self.process = None


def _killpg(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _exited(pid: int, timeout: float) -> bool:
    """Wait until a child has exited, without reaping it; return whether it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if info is not None:
            return True
        time.sleep(0.02)
    return False
