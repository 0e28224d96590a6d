"""Health check for load balancers and operators."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import Schema, fields

from ..extensions import db
from ..jobs.queue import redis_connection
from ..security.sessions import public
from .common import blueprint

blp = blueprint("health", "/api/health", "Service health")


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    redis = fields.String(required=True)


def _database_status() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return "ok"
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return "unreachable"


def _redis_status() -> str:
    if not current_app.config["REDIS_URL"]:
        return "not_configured"
    try:
        redis_connection().ping()
        return "ok"
    except Exception:  # any connection failure means the same to an operator
        return "unreachable"


@blp.route("", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="A dependency is unreachable")
@public
def health() -> tuple[dict[str, Any], int]:
    """Report whether the database and Redis can be reached."""
    database, redis_ = _database_status(), _redis_status()
    healthy = database == "ok" and redis_ in ("ok", "not_configured")
    return {"status": "ok" if healthy else "degraded", "database": database, "redis": redis_}, (
        200 if healthy else 503
    )
