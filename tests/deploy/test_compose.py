"""The deployment files hold together: docker-compose.yml, the Dockerfile, .dockerignore.

No Docker engine is needed: the files are parsed and their structure checked
against what the code declares (queue names, the cron module, the health route).
test_processes.py runs the same commands for real against PostgreSQL and Redis.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.jobs.queue import QUEUES

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"postgres", "redis", "minio", "migrate", "web", "worker", "cron"}
LONG_RUNNING = SERVICES - {"migrate"}
APP_SERVICES = {"migrate", "web", "worker", "cron"}
POSTGRES_DATA = "/var/lib/postgresql/data"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, from either of compose's two spellings."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def argv(service: dict[str, Any]) -> list[str]:
    """The command a service runs, as argv; `sh -c 'exec ...'` is unwrapped to the inner command.

    Compose's `$$` escape (a literal `$` for the container's shell) is undone too.
    """
    command = service.get("command")
    assert command, "the service names its command"
    words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
    if words[:2] == ["sh", "-c"]:
        assert len(words) == 3, words
        words = shlex.split(words[2].replace("$$", "$"))
        if words[0] == "exec":
            words = words[1:]
    return words


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """Each dependency with its condition (the short list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def has_healthcheck(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable") and bool(check.get("test"))


def healthcheck_text(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(str(word) for word in test)


def test_the_seven_services(services: dict[str, Any]) -> None:
    assert set(services) == SERVICES


def test_app_services_share_one_environment(services: dict[str, Any]) -> None:
    """The x-app-env anchor: every app process gets the same settings."""
    base = environment(services["worker"])
    for name in APP_SERVICES:
        env = environment(services[name])
        assert {key: env[key] for key in base} == base, name
    # web adds only its worker count.
    assert set(environment(services["web"])) - set(base) <= {"WEB_CONCURRENCY"}


@pytest.mark.parametrize("name", ["web", "worker", "cron", "migrate"])
def test_app_services_get_their_settings(services: dict[str, Any], name: str) -> None:
    env = environment(services[name])
    for key in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        assert env.get(key), f"{name} has no {key}"
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    # Refuse to start without a real secret key, rather than fall back to a default.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), env["SECRET_KEY"]
    assert env["PRODUCTION"] == "1"
    for key in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"):
        assert key in env, f"{name} has no {key}"


def test_every_long_running_service_is_health_checked(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        service = services[name]
        if has_healthcheck(service):
            continue
        conditions = depends_on(service)
        assert conditions, f"{name} has neither a healthcheck nor dependencies"
        assert set(conditions.values()) <= {"service_healthy", "service_completed_successfully"}


def test_health_conditions_point_at_checked_services(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for dependency, condition in depends_on(service).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if condition == "service_healthy":
                assert has_healthcheck(services[dependency]), f"{dependency} has no healthcheck"


def test_store_health_checks(services: dict[str, Any]) -> None:
    assert "pg_isready" in healthcheck_text(services["postgres"])
    assert "redis-cli ping" in healthcheck_text(services["redis"])
    assert "/api/health" in healthcheck_text(services["web"])


def test_migrations_run_first(services: dict[str, Any]) -> None:
    assert argv(services["migrate"]) == ["flask", "--app", "server", "db", "upgrade"]
    assert depends_on(services["migrate"]).get("postgres") == "service_healthy"
    assert services["migrate"].get("restart") in ("no", None), "a one-shot job is not restarted"
    for name in ("web", "worker", "cron"):
        conditions = depends_on(services[name])
        assert conditions.get("migrate") == "service_completed_successfully", name
        assert conditions.get("redis") == "service_healthy", name


def volume_mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(source, target, type) of each mount; type is 'volume', 'bind' or 'tmpfs'."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            kind = str(volume.get("type", "volume"))
            mounts.append((str(volume.get("source", "")), str(volume["target"]), kind))
            continue
        source, _, target = str(volume).partition(":")
        if not target:  # an anonymous volume: just a container path
            source, target = "", source
        target = target.split(":")[0]  # drop :ro / :rw
        kind = "bind" if source.startswith((".", "/", "~", "$")) else "volume"
        mounts.append((source, target, kind))
    return mounts


def test_named_volumes_hold_the_data(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    assert declared, "no named volumes"
    postgres = {target: source for source, target, _ in volume_mounts(services["postgres"])}
    assert postgres.get(POSTGRES_DATA) in declared, "PostgreSQL data is not on a named volume"
    used = {source for service in services.values() for source, _, _ in volume_mounts(service)}
    assert declared <= used, f"declared but unused: {declared - used}"


def test_no_host_bind_mounts(compose: dict[str, Any], services: dict[str, Any]) -> None:
    """The image carries the code; the host lends it nothing (no source mounted over it)."""
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for source, _, kind in volume_mounts(service):
            assert kind != "bind", f"{name} bind-mounts {source}"
            assert source in declared, f"{name} mounts undeclared volume {source!r}"
        assert not service.get("develop"), f"{name} syncs files from the host"


def test_web_runs_gunicorn(services: dict[str, Any]) -> None:
    words = argv(services["web"])
    assert words[0] == "gunicorn"
    assert words[-1] == "server:create_app()"
    assert "--bind=0.0.0.0:8000" in words or ["--bind", "0.0.0.0:8000"] in pairs(words)
    assert any(word.startswith("--timeout") for word in words)


def pairs(words: list[str]) -> list[list[str]]:
    return [words[i : i + 2] for i in range(len(words) - 1)]


def test_web_scales_without_port_clashes(services: dict[str, Any]) -> None:
    """`--scale web=N` needs a host port range (or no published port at all)."""
    for port in services["web"].get("ports") or []:
        host = str(port).rsplit(":", 1)[0]
        assert re.search(r"\d+-\d+$", host), f"{port}: one host port cannot serve replicas"


def test_worker_serves_every_queue(services: dict[str, Any]) -> None:
    words = argv(services["worker"])
    assert words[:2] == ["rq", "worker"]
    assert "--with-scheduler" in words
    assert ["--url", "$REDIS_URL"] in pairs(words)
    queues = [word for word in words[2:] if not word.startswith("-") and word != "$REDIS_URL"]
    # In priority order, as the code declares them.
    assert queues == list(QUEUES)


def test_cron_is_one_rq_cron_process(services: dict[str, Any]) -> None:
    cron = services["cron"]
    words = argv(cron)
    assert words[:2] == ["rq", "cron"]
    assert ["--url", "$REDIS_URL"] in pairs(words)
    assert words[-1] == "server.jobs.schedule"
    assert importlib.util.find_spec(words[-1]) is not None
    replicas = (cron.get("deploy") or {}).get("replicas", 1)
    assert int(replicas) <= 1, "two cron processes would run every periodic job twice"
    assert "scale" not in cron


# --- Dockerfile -----------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        keyword, _, rest = whole.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]


def test_image_base_and_install() -> None:
    instructions = dockerfile_instructions()
    assert all(rest.startswith("python:3.11-slim") for kw, rest in instructions if kw == "FROM")
    assert any(kw == "RUN" and "pip install ." in rest for kw, rest in instructions)
    stage = final_stage()
    assert ("EXPOSE", "8000") in stage
    assert any(kw == "COPY" and rest.startswith("pwa/") for kw, rest in stage)


def test_image_does_not_run_as_root() -> None:
    users = [rest for keyword, rest in final_stage() if keyword == "USER"]
    assert users, "no USER line: the container would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_image_command_and_healthcheck() -> None:
    stage = final_stage()
    commands = [rest for keyword, rest in stage if keyword == "CMD"]
    assert len(commands) == 1
    assert "gunicorn" in commands[0] and "server:create_app()" in commands[0]
    checks = [rest for keyword, rest in stage if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "urllib" in checks[0] and "/api/health" in checks[0]


def dockerignored(name: str) -> bool:
    """Whether .dockerignore keeps a top-level path out of the build context (last match wins)."""
    excluded = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/").removeprefix("**/")
        if "/" not in pattern and fnmatch.fnmatchcase(name, pattern):
            excluded = not negated
    return excluded


# The demo council (demo/) stays out of the image: a real council never loads it.
@pytest.mark.parametrize("name", [".git", ".venv", "instance", "tests", ".pytest_cache", "demo"])
def test_build_context_leaves_out(name: str) -> None:
    assert dockerignored(name)


@pytest.mark.parametrize("name", ["pyproject.toml", "server", "pwa"])
def test_build_context_takes_in(name: str) -> None:
    assert not dockerignored(name)
