"""Lights for one team: policy trials, and narrower lights for newly qualified workers."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from ..domain.errors import translatable
from ..domain.lights import Light
from ..persistence import NewlyQualifiedLights, PolicyTrial
from ..services import team_lights
from .common import blueprint, current_actor

blp = blueprint(
    "team-lights",
    "/api/decision-policy",
    "Trials of the decision policy for one team, and narrower lights for newly qualified workers",
)

MAX_REASON = 2000


def reason_field(missing: str, description: str) -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Length(
            max=MAX_REASON,
            error=translatable("The reason must be {most} characters or fewer", most=MAX_REASON),
        ),
        error_messages={"required": missing, "null": missing},
        metadata={"description": description},
    )


def _given(value: str, missing: str) -> None:
    if not value.strip():
        raise ValidationError(missing)


CATEGORY_KEY = [validate.Length(min=1, max=60), validate.Regexp(r"^[a-z0-9_]+$")]
LIGHTS = [light.value for light in Light]


class PolicyTrialSchema(Schema):
    """A trial as every device receives it: enough to work out the light by the date."""

    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    team_id = fields.UUID(dump_only=True)
    category = fields.String(dump_only=True)
    light = fields.String(dump_only=True)
    starts_on = fields.Date(dump_only=True, metadata={"description": "The trial's first day"})
    ends_on = fields.Date(
        dump_only=True,
        metadata={"description": "The day the council's light applies again"},
    )
    reason = fields.String(dump_only=True)
    suggestion_id = fields.UUID(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    created_by_id = fields.UUID(dump_only=True, allow_none=True)
    ended_early_by_id = fields.UUID(dump_only=True, allow_none=True)
    ended_early_reason = fields.String(dump_only=True, allow_none=True)


class TrialCountsSchema(Schema):
    team = fields.Raw(metadata={"description": "The trial's team: a count, or 'c' if suppressed"})
    rest_of_council = fields.Raw(metadata={"description": "Every other team, the same way"})
    council = fields.Raw(metadata={"description": "The whole council, the same way"})


class TrialReportSchema(PolicyTrialSchema):
    """A trial as the practice lead follows it: its state and what was decided under it."""

    team_name = fields.Function(lambda trial: team_lights.team_name(trial.team_id), dump_only=True)
    state = fields.Function(
        team_lights.trial_state,
        dump_only=True,
        metadata={"description": "planned, running or ended, by today's date"},
    )
    counts = fields.Function(
        lambda trial: TrialCountsSchema().dump(team_lights.trial_counts(trial)),
        dump_only=True,
        metadata={
            "description": "Decisions of the trial's kind signed while it ran, by the trial's "
            "team and the rest of the council; 1 to 5 (and what would give them away) as 'c'"
        },
    )


TRIAL_REASON_MISSING = translatable("Enter why you are starting this trial")


class StartTrialSchema(Schema):
    team_id = fields.UUID(required=True, error_messages={"required": translatable("Choose a team")})
    category = fields.String(
        required=True,
        validate=CATEGORY_KEY,
        error_messages={"required": translatable("Choose a kind of decision")},
    )
    light = fields.String(
        required=True,
        validate=validate.OneOf(LIGHTS, error=translatable("Choose green, yellow or red")),
        error_messages={"required": translatable("Choose the light to try")},
    )
    starts_on = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "The first day (today if not given)"},
    )
    ends_on = fields.Date(
        required=True,
        error_messages={"required": translatable("Choose how long the trial runs")},
        metadata={"description": "The day the council's light applies again"},
    )
    reason = reason_field(TRIAL_REASON_MISSING, "Why the team tries this light")
    suggestion_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The practice suggestion the trial answers, if any"},
    )

    @validates("reason")
    def reason_given(self, value: str, **_kwargs: Any) -> None:
        _given(value, TRIAL_REASON_MISSING)


END_REASON_MISSING = translatable("Enter why you are ending the trial early")


class EndTrialSchema(Schema):
    reason = reason_field(END_REASON_MISSING, "Why the trial ends before its set end")

    @validates("reason")
    def reason_given(self, value: str, **_kwargs: Any) -> None:
        _given(value, END_REASON_MISSING)


class NarrowerLightSchema(Schema):
    key = fields.String(required=True, validate=CATEGORY_KEY)
    light = fields.String(
        required=True,
        validate=validate.OneOf(
            [Light.YELLOW.value, Light.RED.value], error=translatable("Choose yellow or red")
        ),
    )


class NewlyQualifiedLightsSchema(Schema):
    """A team's narrower lights for workers in their first year since qualifying."""

    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    team_id = fields.UUID(dump_only=True)
    categories = fields.List(fields.Nested(NarrowerLightSchema), dump_only=True)
    reason = fields.String(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    updated_by_id = fields.UUID(dump_only=True, allow_none=True)


class TeamNewlyQualifiedLightsSchema(Schema):
    team_id = fields.UUID()
    team_name = fields.String()
    setting = fields.Nested(NewlyQualifiedLightsSchema, allow_none=True)


NQ_REASON_MISSING = translatable("Enter why you are changing this team's lights")


class SetNewlyQualifiedLightsSchema(Schema):
    categories = fields.List(
        fields.Nested(NarrowerLightSchema),
        required=True,
        validate=validate.Length(max=200),
        metadata={"description": "The kinds of decision narrowed; none: the same as others"},
    )
    reason = reason_field(NQ_REASON_MISSING, "Why the team's lights change")

    @validates("reason")
    def reason_given(self, value: str, **_kwargs: Any) -> None:
        _given(value, NQ_REASON_MISSING)


@blp.route("/trials", methods=["GET"])
@blp.response(200, TrialReportSchema(many=True))
def list_trials() -> list[PolicyTrial]:
    """List every trial, the newest first, with its state and the decisions made under it.

    Every signed-in member of staff may read them, as they may the policy;
    each device applies only its own team's.
    """
    return team_lights.trials(current_actor())


@blp.route("/trials", methods=["POST"])
@blp.arguments(StartTrialSchema)
@blp.response(201, TrialReportSchema)
def start_trial(data: dict[str, Any]) -> PolicyTrial:
    """Give one team a different light for one kind of decision, for a set time (practice leads).

    The team's devices use it from their next sync, from its first day to the
    day before its end; then the council's light applies again by itself.
    """
    trial = team_lights.start_trial(current_actor(), data)
    return trial


@blp.route("/trials/<uuid:trial_id>/end", methods=["POST"])
@blp.arguments(EndTrialSchema)
@blp.response(200, TrialReportSchema)
def end_trial(data: dict[str, Any], trial_id: uuid.UUID) -> PolicyTrial:
    """End a trial early, with the reason (practice leads): the council's light is back today."""
    trial = team_lights.end_trial_early(current_actor(), trial_id, data["reason"])
    return trial


@blp.route("/newly-qualified", methods=["GET"])
@blp.response(200, TeamNewlyQualifiedLightsSchema(many=True))
def list_newly_qualified_lights() -> list[dict[str, Any]]:
    """List each team's narrower lights for its newly qualified workers (none set: the same)."""
    return team_lights.newly_qualified_lights(current_actor())


@blp.route("/newly-qualified/<uuid:team_id>", methods=["PUT"])
@blp.arguments(SetNewlyQualifiedLightsSchema)
@blp.response(200, NewlyQualifiedLightsSchema)
def set_newly_qualified_lights(data: dict[str, Any], team_id: uuid.UUID) -> NewlyQualifiedLights:
    """Set a team's narrower lights for workers in their first year qualified (practice leads)."""
    setting = team_lights.set_newly_qualified_lights(
        current_actor(), team_id, data["categories"], data["reason"]
    )
    return setting
