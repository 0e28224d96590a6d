"""Configuration, read from environment variables.

Every variable is documented in README.md and docs/operations.md. The
defaults run the whole service on one laptop: SQLite in ``instance/``, jobs
in-process, a secret key generated on first start.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from .domain.attachments import DEFAULT_MAX_BYTES
from .domain.endings import DEFAULT_CLEARING_DAYS, check_clearing_days

INSTANCE_DIR = Path(
    os.environ.get("INSTANCE_PATH", Path(__file__).resolve().parent.parent / "instance")
)


class ConfigError(RuntimeError):
    """The environment is missing something the service cannot run without."""


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key() -> str:
    """Return the secret key kept in ``instance/``, making it on first use."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(url: str | None) -> str:
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'fieldwork.sqlite3'}"
    # Accept the common postgres:// spellings; the driver is psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Settings:
    """The settings the app reads, with their environment variable names."""

    production: bool = field(default_factory=lambda: _env_flag("PRODUCTION"))
    database_url: str = field(default_factory=lambda: _database_url(os.environ.get("DATABASE_URL")))
    redis_url: str | None = field(default_factory=lambda: os.environ.get("REDIS_URL") or None)
    secret_key: str | None = field(default_factory=lambda: os.environ.get("SECRET_KEY") or None)
    vapid_public_key: str | None = field(default_factory=lambda: os.environ.get("VAPID_PUBLIC_KEY"))
    vapid_private_key: str | None = field(
        default_factory=lambda: os.environ.get("VAPID_PRIVATE_KEY")
    )
    vapid_subject: str = field(
        default_factory=lambda: os.environ.get("VAPID_SUBJECT", "mailto:admin@example.org")
    )
    # Host names (and their subdomains) push endpoints must be at; empty allows any
    # public https host.
    push_service_hosts: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            name.strip().lower().strip(".")
            for name in os.environ.get("PUSH_SERVICE_HOSTS", "").split(",")
            if name.strip()
        )
    )
    session_idle_minutes: int = field(
        default_factory=lambda: int(os.environ.get("SESSION_IDLE_MINUTES", 12 * 60))
    )
    trusted_proxies: int = field(default_factory=lambda: int(os.environ.get("TRUSTED_PROXIES", 0)))
    pwa_dir: str = field(
        default_factory=lambda: os.environ.get(
            "PWA_DIR", str(Path(__file__).resolve().parent.parent / "pwa" / "build")
        )
    )
    session_max_days: int = field(
        default_factory=lambda: int(os.environ.get("SESSION_MAX_DAYS", 14))
    )
    # Days a closed family stays on the devices that held it (domain.endings).
    closed_family_clearing_days: int = field(
        default_factory=lambda: int(
            os.environ.get("CLOSED_FAMILY_CLEARING_DAYS", DEFAULT_CLEARING_DAYS)
        )
    )
    # The council's three-digit local authority number, as the statutory returns name it.
    la_number: str = field(default_factory=lambda: os.environ.get("LA_NUMBER", "999"))
    # Where attachments' bytes are kept: a folder (default instance/attachments),
    # file:///folder, or s3://bucket/prefix (server/storage/).
    attachment_storage: str = field(
        default_factory=lambda: os.environ.get("ATTACHMENT_STORAGE", "")
    )
    # An S3-compatible store other than AWS, such as MinIO: http://minio:9000.
    attachment_s3_endpoint_url: str | None = field(
        default_factory=lambda: os.environ.get("ATTACHMENT_S3_ENDPOINT_URL") or None
    )
    attachment_max_bytes: int = field(
        default_factory=lambda: int(os.environ.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))
    )
    # none (the default) or clamd://host:port (server/security/malware_scan.py).
    attachment_scanner: str = field(
        default_factory=lambda: os.environ.get("ATTACHMENT_SCANNER", "none")
    )

    # Answer each request with where its time went (server/timing.py): for measuring.
    server_timing: bool = field(default_factory=lambda: _env_flag("SERVER_TIMING"))

    def flask_config(self) -> dict[str, Any]:
        """Return the Flask config mapping for these settings."""
        if self.production and not self.secret_key:
            raise ConfigError("SECRET_KEY must be set when PRODUCTION is on.")
        try:
            check_clearing_days(self.closed_family_clearing_days)
        except ValueError as error:
            raise ConfigError(f"CLOSED_FAMILY_CLEARING_DAYS: {error}") from error
        # hide_parameters: a database error in the log never shows case content.
        engine_options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
        if self.database_url.startswith("sqlite"):
            # Wait for the writer lock instead of failing at once.
            engine_options["connect_args"] = {"timeout": 30}
        return {
            "PRODUCTION": self.production,
            "SECRET_KEY": self.secret_key or _development_secret_key(),
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
            "REDIS_URL": self.redis_url,
            "TRUSTED_PROXIES": self.trusted_proxies,
            "PWA_DIR": self.pwa_dir,
            "LA_NUMBER": self.la_number,
            "ATTACHMENT_STORAGE": self.attachment_storage,
            "ATTACHMENT_S3_ENDPOINT_URL": self.attachment_s3_endpoint_url,
            "ATTACHMENT_MAX_BYTES": self.attachment_max_bytes,
            "ATTACHMENT_SCANNER": self.attachment_scanner,
            "SERVER_TIMING": self.server_timing,
            # One PATCH of an upload carries at most this much (the rest of the API: 2 MB).
            "ATTACHMENT_CHUNK_MAX_BYTES": 8 * 1024 * 1024,
            "VAPID_PUBLIC_KEY": self.vapid_public_key,
            "VAPID_PRIVATE_KEY": self.vapid_private_key,
            "VAPID_SUBJECT": self.vapid_subject,
            "PUSH_SERVICE_HOSTS": self.push_service_hosts,
            # Never from the environment: only tests turn it on, for their stand-in
            # push service on 127.0.0.1 (server/security/push_endpoints.py).
            "PUSH_ALLOW_LOOPBACK_FOR_TESTS": False,
            "SESSION_IDLE_TIMEOUT": timedelta(minutes=self.session_idle_minutes),
            "SESSION_ABSOLUTE_TIMEOUT": timedelta(days=self.session_max_days),
            "CLOSED_FAMILY_CLEARING_DAYS": self.closed_family_clearing_days,
            "SESSION_COOKIE_NAME": "__Host-session" if self.production else "session",
            "SESSION_COOKIE_SECURE": self.production,
            # Sync batches are at most 1 MB; leave room for the envelope.
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
            "RATELIMIT_STORAGE_URI": self.redis_url or "memory://",
            "RATELIMIT_HEADERS_ENABLED": True,
            # If Redis is briefly down, count in memory rather than refuse every sign-in.
            "RATELIMIT_SWALLOW_ERRORS": True,
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "API_TITLE": "Family Fieldwork API",
            "API_VERSION": "1",
            "OPENAPI_VERSION": "3.0.3",
            "OPENAPI_URL_PREFIX": "/api",
            "OPENAPI_JSON_PATH": "openapi.json",
        }
