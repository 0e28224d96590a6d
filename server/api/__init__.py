"""The REST API: one blueprint per resource, described by OpenAPI at /api/openapi.json."""

from __future__ import annotations

from flask_smorest import Api

from . import admin, auth, health, practice, records
from .common import blueprint
from .converters import UUIDConverter


def register_blueprints(api: Api) -> None:
    api.register_converter(UUIDConverter, lambda _converter: {"type": "string", "format": "uuid"})
    for module_blueprint in (
        auth.blp,
        auth.devices_blp,
        health.blp,
        admin.blp,
        admin.teams_blp,
        practice.blp,
    ):
        api.register_blueprint(module_blueprint)
    for spec in records.ROUTES:
        api.register_blueprint(records.register(blueprint, spec))
