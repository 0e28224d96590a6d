"""Drafts, signing, amendments and deletion of case records."""

from __future__ import annotations

import pytest

from server.domain.errors import RecordEnded, RecordSigned, RuleBroken
from server.domain.records import (
    AMENDABLE,
    DELETABLE,
    SIGNABLE,
    RecordKind,
    SignState,
    ensure_amendable,
    ensure_deletable,
    ensure_editable,
)

SIGNED_KINDS = [
    RecordKind.NOTE,
    RecordKind.JUDGMENT,
    RecordKind.REVIEW,
    RecordKind.STRATEGY_DISCUSSION,
    RecordKind.FAMILY_COPY,
]
UNSIGNED_KINDS = [kind for kind in RecordKind if kind not in SIGNED_KINDS]
# A family copy, once shared, is replaced by a new copy, never amended.
AMENDED_KINDS = [kind for kind in SIGNED_KINDS if kind is not RecordKind.FAMILY_COPY]
# An ended plan episode reads as signed: frozen, corrected by amendment.
ENDING_KINDS = [RecordKind.PLAN_EPISODE]
NEVER_FROZEN = [kind for kind in UNSIGNED_KINDS if kind not in ENDING_KINDS]
KEPT_FOR_GOOD = [RecordKind.FAMILY, RecordKind.ASSIGNMENT, RecordKind.AMENDMENT]


def test_wire_names() -> None:
    assert {kind.value for kind in RecordKind} == {
        "family",
        "person",
        "membership",
        "relationship",
        "assignment",
        "interaction",
        "note",
        "amendment",
        "judgment",
        "checklist",
        "checklist_item",
        "review",
        "conference",
        "plan_action",
        "supervision_session",
        "supervision_discussion",
        "plan_episode",
        "chronology_entry",
        "case_summary",
        "strategy_discussion",
        "family_copy",
        "attachment",
        "referral",
    }


def test_notes_judgments_and_reviews_are_the_signed_records() -> None:
    assert set(SIGNED_KINDS) == SIGNABLE


# Editing


@pytest.mark.parametrize("kind", SIGNED_KINDS)
def test_signed_record_refuses_edits(kind: RecordKind) -> None:
    with pytest.raises(RecordSigned) as caught:
        ensure_editable(kind, SignState.SIGNED)
    assert caught.value.code == "record_signed"
    assert "amendment" in caught.value.message


@pytest.mark.parametrize("kind", SIGNED_KINDS)
def test_signed_record_refuses_edits_given_plain_strings(kind: RecordKind) -> None:
    with pytest.raises(RecordSigned):
        ensure_editable(kind.value, "signed")


@pytest.mark.parametrize("kind", SIGNED_KINDS)
@pytest.mark.parametrize("state", [SignState.DRAFT, "draft", None])
def test_draft_allows_edits(kind: RecordKind, state: SignState | str | None) -> None:
    ensure_editable(kind, state)


@pytest.mark.parametrize("kind", UNSIGNED_KINDS)
def test_records_that_are_never_signed_stay_editable(kind: RecordKind) -> None:
    ensure_editable(kind, None)
    ensure_editable(kind, SignState.DRAFT)


def test_an_ended_plan_refuses_edits_with_its_own_words() -> None:
    with pytest.raises(RecordEnded) as caught:
        ensure_editable(RecordKind.PLAN_EPISODE, SignState.SIGNED)
    assert caught.value.code == "record_ended"
    assert "amendment" in caught.value.message
    assert isinstance(caught.value, RecordSigned)  # sync rejects it as it rejects a signed record


def test_an_ended_plan_can_be_amended_but_a_running_one_is_changed() -> None:
    ensure_amendable(RecordKind.PLAN_EPISODE, SignState.SIGNED)
    with pytest.raises(RuleBroken) as caught:
        ensure_amendable(RecordKind.PLAN_EPISODE, SignState.DRAFT)
    assert caught.value.message == "A plan that has not ended can be changed directly."


def test_an_ended_plan_cannot_be_deleted() -> None:
    ensure_deletable(RecordKind.PLAN_EPISODE, SignState.DRAFT)
    with pytest.raises(RecordEnded):
        ensure_deletable(RecordKind.PLAN_EPISODE, SignState.SIGNED)


def test_unknown_record_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        ensure_editable("diary", SignState.DRAFT)


# Amendments


@pytest.mark.parametrize("kind", AMENDED_KINDS)
def test_signed_note_judgment_or_review_can_be_amended(kind: RecordKind) -> None:
    ensure_amendable(kind, SignState.SIGNED)
    ensure_amendable(kind.value, "signed")


def test_a_shared_family_copy_is_never_amended() -> None:
    with pytest.raises(RuleBroken):
        ensure_amendable(RecordKind.FAMILY_COPY, SignState.SIGNED)


@pytest.mark.parametrize("kind", AMENDED_KINDS)
@pytest.mark.parametrize("state", [SignState.DRAFT, None])
def test_draft_is_edited_not_amended(kind: RecordKind, state: SignState | None) -> None:
    with pytest.raises(RuleBroken) as caught:
        ensure_amendable(kind, state)
    assert "draft" in caught.value.message.lower()


@pytest.mark.parametrize("kind", NEVER_FROZEN)
@pytest.mark.parametrize("state", [SignState.SIGNED, SignState.DRAFT, None])
def test_other_records_cannot_be_amended(kind: RecordKind, state: SignState | None) -> None:
    with pytest.raises(RuleBroken) as caught:
        ensure_amendable(kind, state)
    assert caught.value.message == (
        "Only notes, judgments, reviews, strategy discussions and ended plans can be amended."
    )


def test_an_amendment_cannot_itself_be_amended() -> None:
    assert RecordKind.AMENDMENT not in AMENDABLE
    with pytest.raises(RuleBroken):
        ensure_amendable(RecordKind.AMENDMENT, SignState.SIGNED)


# Deletion


@pytest.mark.parametrize("kind", KEPT_FOR_GOOD)
@pytest.mark.parametrize("state", [None, SignState.DRAFT])
def test_families_assignments_and_amendments_cannot_be_deleted(
    kind: RecordKind, state: SignState | None
) -> None:
    assert kind not in DELETABLE
    with pytest.raises(RuleBroken) as caught:
        ensure_deletable(kind, state)
    assert caught.value.message == f"A {kind.value} cannot be deleted."


def test_refusal_names_the_record_in_words() -> None:
    with pytest.raises(RuleBroken) as caught:
        ensure_deletable(RecordKind.CHECKLIST_ITEM, None)
    assert caught.value.message == "A checklist item cannot be deleted."


@pytest.mark.parametrize("kind", SIGNED_KINDS)
def test_signed_record_cannot_be_deleted(kind: RecordKind) -> None:
    with pytest.raises(RecordSigned):
        ensure_deletable(kind, SignState.SIGNED)


def test_a_review_thread_is_kept_even_in_draft() -> None:
    with pytest.raises(RuleBroken) as caught:
        ensure_deletable(RecordKind.REVIEW, SignState.DRAFT)
    assert caught.value.message == "A review cannot be deleted."


@pytest.mark.parametrize("kind", [RecordKind.NOTE, RecordKind.JUDGMENT])
def test_draft_note_or_judgment_can_be_deleted(kind: RecordKind) -> None:
    ensure_deletable(kind, SignState.DRAFT)


@pytest.mark.parametrize(
    "kind",
    [
        RecordKind.PERSON,
        RecordKind.MEMBERSHIP,
        RecordKind.RELATIONSHIP,
        RecordKind.INTERACTION,
        RecordKind.CHECKLIST,
        RecordKind.CONFERENCE,
        RecordKind.PLAN_ACTION,
        RecordKind.SUPERVISION_DISCUSSION,
    ],
)
def test_everyday_records_can_be_deleted(kind: RecordKind) -> None:
    ensure_deletable(kind, None)


def test_no_deletable_kind_is_kept_for_good() -> None:
    assert not DELETABLE & set(KEPT_FOR_GOOD)
