"""The REST API: one blueprint per resource, described by OpenAPI at /api/openapi.json."""

from __future__ import annotations

import functools
from typing import Any

from apispec import APISpec
from flask_smorest import Api, Blueprint

from ..errors import ErrorSchema
from . import (
    admin,
    attachments,
    auth,
    census,
    chronology,
    colleagues,
    endings,
    health,
    notifications,
    placements,
    plain_words,
    practice,
    records,
    reports,
    retention,
    subject_access,
    supervision,
    supervision_records,
    sync,
    team_lights,
)
from .common import blueprint
from .converters import UUIDConverter


class ServiceApi(Api):
    """flask-smorest's Api, documenting and using the service's one error shape.

    The OpenAPI description is written when it is first read, not when the
    app is made: describing some 400 routes took most of ``create_app``'s
    time, which every worker, command and test paid for a document few read.
    """

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._spec: APISpec | None = None
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> APISpec | None:
        """Return the OpenAPI description, first adding the blueprints not yet in it."""
        if self._undocumented and self._spec is not None:
            undocumented, self._undocumented = self._undocumented, []
            for blp, name, parameters in undocumented:
                blp.register_views_in_doc(
                    self, self._app, self._spec, name=name, parameters=parameters
                )
                self._spec.tag({"name": name, "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register a blueprint now; describe it in the OpenAPI document when that is read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

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
        team_lights.blp,
        sync.blp,
        endings.blp,
        colleagues.consultations_blp,
        colleagues.suggestions_blp,
        colleagues.directory_blp,
        notifications.blp,
        subject_access.blp,
        reports.blp,
        census.blp,
        placements.blp,
        chronology.blp,
        retention.blp,
        plain_words.blp,
        attachments.blp,
        supervision.blp,
        supervision_records.records_blp,
        supervision_records.escalations_blp,
        colleagues.letters_blp,
    ):
        api.register_blueprint(module_blueprint)
    for record_blueprint in _record_blueprints():
        api.register_blueprint(record_blueprint)


@functools.cache
def _record_blueprints() -> tuple[Blueprint, ...]:
    """Build the blueprints of the record kinds once a process, as a module's are.

    A blueprint is a recipe any number of apps may register; building one
    describes each route's schemas, which every app made (each test makes one)
    would otherwise pay for again.
    """
    return tuple(records.register(blueprint, spec) for spec in records.ROUTES)
