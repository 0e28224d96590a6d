"""Merge rules: field-level three-way merge, and the rule of each record kind."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.records import RecordKind
from sync.merge import MERGE_RULES, MergeOutcome, MergeRule, merge_fields

# --- merge_fields, case by case --------------------------------------------------------


def test_a_field_only_the_device_changed_applies_quietly():
    outcome = merge_fields({"name": "Okoro"}, {"name": "Okafor", "town": "Leeds"}, set())
    assert outcome.apply == {"name": "Okoro"}
    assert outcome.overwritten == {}
    assert not outcome.conflict


def test_a_field_only_the_server_changed_is_not_touched():
    outcome = merge_fields({"name": "Okoro"}, {"name": "Okafor", "town": "York"}, {"town"})
    assert outcome.apply == {"name": "Okoro"}
    assert "town" not in outcome.apply
    assert outcome.overwritten == {}
    assert not outcome.conflict


def test_both_sides_changing_a_field_to_the_same_value_is_no_conflict_and_writes_nothing():
    outcome = merge_fields({"name": "Okoro"}, {"name": "Okoro"}, {"name"})
    assert outcome.apply == {}
    assert outcome.overwritten == {}
    assert not outcome.conflict


def test_both_sides_changing_a_field_differently_applies_the_device_value_and_reports():
    outcome = merge_fields({"name": "Okoro"}, {"name": "Okafor", "town": "Leeds"}, {"name"})
    assert outcome.apply == {"name": "Okoro"}
    assert outcome.overwritten == {"name": "Okafor"}
    assert outcome.conflict


def test_a_mixed_change_merges_field_by_field():
    current = {"a": 1, "b": 2, "c": 3, "d": 4}
    incoming = {"a": 10, "b": 20, "c": 3}
    outcome = merge_fields(incoming, current, {"b", "c", "d"})
    assert outcome.apply == {"a": 10, "b": 20}  # c is already equal: nothing to write
    assert outcome.overwritten == {"b": 2}
    assert outcome.conflict


def test_a_field_the_server_lacks_is_added_and_an_overwritten_absence_is_none():
    outcome = merge_fields({"new": "x"}, {}, {"new"})
    assert outcome.apply == {"new": "x"}
    assert outcome.overwritten == {"new": None}


def test_setting_a_field_to_none_is_a_change():
    outcome = merge_fields({"note": None}, {"note": "text"}, set())
    assert outcome.apply == {"note": None}


def test_none_for_a_field_the_server_lacks_is_still_written():
    # An absent field is not a field holding None: the device's value must land.
    outcome = merge_fields({"note": None}, {}, set())
    assert outcome.apply == {"note": None}
    assert not outcome.conflict


def test_nested_values_compare_by_value():
    outcome = merge_fields(
        {"sections": {"what": "tea"}}, {"sections": {"what": "tea"}}, {"sections"}
    )
    assert outcome.apply == {}
    assert not outcome.conflict


def test_an_empty_change_writes_nothing():
    outcome = merge_fields({}, {"name": "Okafor"}, {"name"})
    assert outcome == MergeOutcome(apply={}, overwritten={})
    assert not outcome.conflict


def test_merge_fields_leaves_its_inputs_alone():
    incoming = {"a": 1}
    current = {"a": 2}
    changed = {"a"}
    merge_fields(incoming, current, changed)
    assert incoming == {"a": 1}
    assert current == {"a": 2}
    assert changed == {"a"}


# --- merge_fields, properties ------------------------------------------------------------

keys = st.sampled_from([f"f{i}" for i in range(8)])
values = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=3)
records = st.dictionaries(keys, values, max_size=8)


@settings(max_examples=200)
@given(incoming=records, current=records, changed=st.sets(keys))
def test_applying_the_outcome_gives_current_updated_with_incoming(
    incoming: dict[str, Any], current: dict[str, Any], changed: set[str]
):
    outcome = merge_fields(incoming, current, changed)
    assert {**current, **outcome.apply} == {**current, **incoming}


@settings(max_examples=200)
@given(incoming=records, current=records, changed=st.sets(keys))
def test_only_fields_both_sides_changed_are_reported_overwritten(
    incoming: dict[str, Any], current: dict[str, Any], changed: set[str]
):
    outcome = merge_fields(incoming, current, changed)
    assert set(outcome.overwritten) <= changed & set(incoming)
    for name, old in outcome.overwritten.items():
        assert old == current.get(name)  # the server's own value is what is kept
        if name in current:
            assert old != incoming[name]  # an agreeing value is never a conflict
    assert outcome.conflict == bool(outcome.overwritten)


@settings(max_examples=200)
@given(incoming=records, current=records, changed=st.sets(keys))
def test_no_incoming_field_is_lost(
    incoming: dict[str, Any], current: dict[str, Any], changed: set[str]
):
    outcome = merge_fields(incoming, current, changed)
    assert set(outcome.apply) <= set(incoming)
    for name, value in incoming.items():
        if name in outcome.apply:
            assert outcome.apply[name] == value
        else:
            assert name in current and current[name] == value  # already there
        if name in changed and current.get(name) != value:
            assert outcome.overwritten[name] == current.get(name)


# --- the rule of each kind ---------------------------------------------------------------


def test_every_record_kind_has_a_merge_rule():
    assert set(MERGE_RULES) == {kind.value for kind in RecordKind}
    assert all(isinstance(rule, MergeRule) for rule in MERGE_RULES.values())


def test_notes_judgments_and_plan_episodes_are_immutable_once_signed_or_ended():
    assert MERGE_RULES[RecordKind.NOTE.value] is MergeRule.SIGNED_IMMUTABLE
    assert MERGE_RULES[RecordKind.JUDGMENT.value] is MergeRule.SIGNED_IMMUTABLE
    assert MERGE_RULES[RecordKind.PLAN_EPISODE.value] is MergeRule.SIGNED_IMMUTABLE
    assert MERGE_RULES[RecordKind.STRATEGY_DISCUSSION.value] is MergeRule.SIGNED_IMMUTABLE
    # A family copy is signed when it is recorded as shared.
    assert MERGE_RULES[RecordKind.FAMILY_COPY.value] is MergeRule.SIGNED_IMMUTABLE


def test_amendments_reviews_and_story_versions_are_append_only():
    assert MERGE_RULES[RecordKind.AMENDMENT.value] is MergeRule.APPEND_ONLY
    assert MERGE_RULES[RecordKind.REVIEW.value] is MergeRule.APPEND_ONLY
    assert MERGE_RULES[RecordKind.CASE_SUMMARY.value] is MergeRule.APPEND_ONLY
    assert MERGE_RULES[RecordKind.ATTACHMENT.value] is MergeRule.APPEND_ONLY


def test_every_other_kind_merges_field_by_field():
    others = set(RecordKind) - {
        RecordKind.STRATEGY_DISCUSSION,
        RecordKind.NOTE,
        RecordKind.JUDGMENT,
        RecordKind.PLAN_EPISODE,
        RecordKind.FAMILY_COPY,
        RecordKind.AMENDMENT,
        RecordKind.REVIEW,
        RecordKind.CASE_SUMMARY,
        RecordKind.ATTACHMENT,
    }
    assert {MERGE_RULES[kind.value] for kind in others} == {MergeRule.FIELDS}
