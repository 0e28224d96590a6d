"""The REST API: one blueprint per resource, described by OpenAPI at /api/openapi.json."""

from __future__ import annotations

from flask_smorest import Api

from ..errors import ErrorSchema
from . import (
    admin,
    auth,
    colleagues,
    health,
    notifications,
    placements,
    practice,
    records,
    reports,
    subject_access,
    sync,
)
from .common import blueprint
from .converters import UUIDConverter


class ServiceApi(Api):
    """flask-smorest's Api, documenting and using the service's one error shape."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # server.errors registers the one translator for every error.
        pass


def register_blueprints(api: Api) -> None:
    api.register_converter(UUIDConverter, lambda _converter: {"type": "string", "format": "uuid"})
    for module_blueprint in (
        auth.blp,
        auth.devices_blp,
        health.blp,
        admin.blp,
        admin.teams_blp,
        practice.blp,
        sync.blp,
        colleagues.consultations_blp,
        colleagues.suggestions_blp,
        colleagues.directory_blp,
        notifications.blp,
        subject_access.blp,
        reports.blp,
        placements.blp,
    ):
        api.register_blueprint(module_blueprint)
    for spec in records.ROUTES:
        api.register_blueprint(records.register(blueprint, spec))
