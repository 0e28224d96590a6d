"""Family Fieldwork: the Flask application.

``create_app`` reads as the table of contents of the server.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, errors, i18n, pwa, timing, transaction
from .api import ServiceApi, hygiene, register_blueprints
from .api.converters import LazyRule, UUIDConverter
from .config import INSTANCE_DIR, Settings
from .extensions import db, limiter, migrate
from .jobs import queue as jobs_queue
from .security import headers, sessions


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with ``config`` overriding it (tests)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.url_rule_class = LazyRule
    app.config.from_mapping(Settings().flask_config())
    app.config.update(config or {})
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    if app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer: take the client's address from X-Forwarded-For,
        # so sign-in limits count each person, not the proxy.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]  # Flask's documented way to add middleware
    app.url_map.converters["uuid"] = UUIDConverter
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path) / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    limiter.init_app(app)
    i18n.init_app(app)
    register_blueprints(ServiceApi(app))
    errors.register_error_handlers(app)
    transaction.init_app(app)
    sessions.init_app(app)
    hygiene.init_app(app)
    headers.init_app(app)
    pwa.init_app(app)
    cli.init_app(app)
    jobs_queue.init_app(app)
    # Set up the ORM's mappers now, once a process, rather than in the first
    # statement that uses a model: that is the first request, or a job's first
    # query (about a second here, see docs/performance.md, the CIN census).
    configure_mappers()
    timing.init_app(app)  # last, so it starts first and ends last
    return app
