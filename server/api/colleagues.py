"""Peer consultation and practice suggestions: between colleagues, not about one family."""

from __future__ import annotations

import uuid
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..domain.errors import translatable
from ..domain.lights import Light
from ..domain.practice import ANSWERS, ASKER_KEY_PATTERN
from ..persistence import Consultation, Suggestion, User
from ..persistence.pages import Page
from ..security.sessions import current_user
from ..services import practice
from .common import PageArgsSchema, blueprint, page_schema

consultations_blp = blueprint(
    "consultations", "/api/consultations", "Anonymised dilemmas put to peers in other teams"
)
suggestions_blp = blueprint("suggestions", "/api/suggestions", "Practice suggestions from staff")
directory_blp = blueprint("directory", "/api/directory", "Colleagues' names, roles and teams")
letters_blp = blueprint(
    "peer-letters", "/api/peer-letters", "Learning from decisions' reviews, shared anonymously"
)


class ColleagueSchema(Schema):
    id = fields.UUID()
    display_name = fields.String()
    role = fields.String()
    team_id = fields.UUID(allow_none=True)
    team_name = fields.Function(lambda user: user.team.name if user.team else None)


@directory_blp.route("", methods=["GET"])
@directory_blp.response(200, ColleagueSchema(many=True))
def list_colleagues() -> list[User]:
    """List active staff by name, so an app offline can say who wrote or replied."""
    return practice.colleagues(current_user())


class ReplySchema(Schema):
    id = fields.UUID(dump_only=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    created_at = fields.AwareDateTime(dump_only=True)
    created_by_id = fields.UUID(dump_only=True, allow_none=True)


ASKER_KEY_HEADER = "X-Asker-Key"


def asker_key(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(ASKER_KEY_PATTERN, error=translatable("Not an asker's key.")),
        **kwargs,
    )


class ConsultationSchema(Schema):
    id = fields.UUID(load_default=None)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    dilemma = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    # Made by the asker's device and kept there: it lets the asker alone, in a
    # team that cannot otherwise see the consultation, read it and reply.
    asker_key = asker_key(required=True, load_only=True)
    posted_at = fields.AwareDateTime(dump_only=True)
    replies = fields.List(fields.Nested(ReplySchema), dump_only=True)


class AskerKeyHeaderSchema(Schema):
    """The asker's key, sent by the asker's device to read and answer its own consultation."""

    asker_key = asker_key(data_key=ASKER_KEY_HEADER, load_default=None)


class SuggestionSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    created_at = fields.AwareDateTime(dump_only=True)
    created_by_id = fields.UUID(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True)
    response = fields.String(dump_only=True, allow_none=True)
    responded_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    # A proposed change of light for a kind of decision, carrying the evidence for it
    # (from a decision's review, written so that it identifies no family).
    category = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "The decision category whose light it proposes to change"},
    )
    proposed_light = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([light.value for light in Light]),
    )
    evidence = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=20_000)
    )

    @validates_schema
    def light_with_category(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("proposed_light") and not data.get("category"):
            raise ValidationError(translatable("Choose the kind of decision."), "category")
        if data.get("category") and not data.get("proposed_light"):
            raise ValidationError(translatable("Choose the light you propose."), "proposed_light")


class AnswerSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(sorted(ANSWERS)))
    response = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


def _with_replies(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.id,
        "title": consultation.title,
        "dilemma": consultation.dilemma,
        "posted_at": consultation.posted_at,
        "replies": practice.replies(consultation.id),
    }


@consultations_blp.route("", methods=["GET"])
@consultations_blp.arguments(PageArgsSchema, location="query")
@consultations_blp.response(200, page_schema(ConsultationSchema, "ConsultationPage"))
def list_consultations(args: dict[str, Any]) -> Page[Any]:
    """List dilemmas from other teams, newest first (none names a family or an asker)."""
    one_page = practice.consultations(current_user(), args["page"], args["page_size"])
    items = [_with_replies(c) for c in one_page.items]
    return Page(items, one_page.page, one_page.page_size, one_page.total)


@consultations_blp.route("", methods=["POST"])
@consultations_blp.arguments(ConsultationSchema)
@consultations_blp.response(201, ConsultationSchema)
def post_consultation(data: dict[str, Any]) -> dict[str, Any]:
    """Post a dilemma for other teams; keep its id and key on your device to follow the replies."""
    consultation = practice.post_consultation(
        current_user(), data["title"], data["dilemma"], data["id"], data["asker_key"]
    )
    return _with_replies(consultation)


# Headers other than the asker's key are the browser's business, not refused.
@consultations_blp.route("/<uuid:consultation_id>", methods=["GET"])
@consultations_blp.arguments(AskerKeyHeaderSchema, location="headers", unknown=EXCLUDE)
@consultations_blp.response(200, ConsultationSchema)
def get_consultation(headers: dict[str, Any], consultation_id: uuid.UUID) -> dict[str, Any]:
    """Return a dilemma from another team, or your own (with its key), with its replies."""
    found = practice.consultation(current_user(), consultation_id, headers["asker_key"])
    return _with_replies(found)


@consultations_blp.route("/<uuid:consultation_id>/replies", methods=["POST"])
@consultations_blp.arguments(AskerKeyHeaderSchema, location="headers", unknown=EXCLUDE)
@consultations_blp.arguments(ReplySchema)
@consultations_blp.response(201, ReplySchema)
def reply_to_consultation(
    headers: dict[str, Any], data: dict[str, Any], consultation_id: uuid.UUID
) -> Any:
    """Reply to a dilemma from another team, or to your own (with its key)."""
    answer = practice.reply(current_user(), consultation_id, data["body"], headers["asker_key"])
    return answer


@suggestions_blp.route("", methods=["GET"])
@suggestions_blp.arguments(PageArgsSchema, location="query")
@suggestions_blp.response(200, page_schema(SuggestionSchema, "SuggestionPage"))
def list_suggestions(args: dict[str, Any]) -> Page[Any]:
    """List every suggestion and what became of it: all staff can see them all."""
    return practice.suggestions(current_user(), args["page"], args["page_size"])


@suggestions_blp.route("", methods=["POST"])
@suggestions_blp.arguments(SuggestionSchema)
@suggestions_blp.response(201, SuggestionSchema)
def submit_suggestion(data: dict[str, Any]) -> Suggestion:
    """Put forward an idea for practice."""
    suggestion = practice.submit_suggestion(
        current_user(),
        data["title"],
        data["body"],
        category=data["category"],
        proposed_light=data["proposed_light"],
        evidence=data["evidence"],
    )
    return suggestion


@suggestions_blp.route("/<uuid:suggestion_id>", methods=["GET"])
@suggestions_blp.response(200, SuggestionSchema)
def get_suggestion(suggestion_id: uuid.UUID) -> Suggestion:
    """Return one suggestion and its answer."""
    return practice.suggestion(current_user(), suggestion_id)


@suggestions_blp.route("/<uuid:suggestion_id>/answer", methods=["POST"])
@suggestions_blp.arguments(AnswerSchema)
@suggestions_blp.response(200, SuggestionSchema)
def answer_suggestion(data: dict[str, Any], suggestion_id: uuid.UUID) -> Suggestion:
    """Answer a suggestion (managers): adopted, being tried or not now, with reasons."""
    suggestion = practice.answer_suggestion(
        current_user(), suggestion_id, data["status"], data["response"]
    )
    return suggestion


class PeerLetterSchema(Schema):
    id = fields.UUID(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    posted_at = fields.AwareDateTime(dump_only=True)


@letters_blp.route("", methods=["GET"])
@letters_blp.arguments(PageArgsSchema, location="query")
@letters_blp.response(200, page_schema(PeerLetterSchema, "PeerLetterPage"))
def list_letters(args: dict[str, Any]) -> Page[Any]:
    """List peer letters, newest first: none names a family or who wrote it."""
    return practice.peer_letters(current_user(), args["page"], args["page_size"])


@letters_blp.route("", methods=["POST"])
@letters_blp.arguments(PeerLetterSchema)
@letters_blp.response(201, PeerLetterSchema)
def post_letter(data: dict[str, Any]) -> Any:
    """Share what a decision's review taught you; the letter keeps no link to you or the family."""
    letter = practice.post_peer_letter(
        current_user(), data["title"], data["body"], data["category"]
    )
    return letter
