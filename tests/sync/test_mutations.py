"""Reading a pushed batch: each mutation's envelope, and the ordering of the batch."""

from __future__ import annotations

from typing import Any

import pytest

from sync.merge import MERGE_RULES
from sync.mutations import (
    ENTITIES,
    MAX_SKIPPED_RANGES,
    BatchError,
    EnvelopeError,
    MutationLedger,
    check_batch,
    parse_mutation,
    storable,
)
from sync.protocol import MAX_PUSH_MUTATIONS, MAX_VERSION, Mutation, MutationOp

RECORD_ID = "0190f4b2-6c1e-7abc-8def-0123456789ab"


def _raw(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "mutation_id": 1,
        "entity": "family",
        "op": "update",
        "id": RECORD_ID,
        "base_version": 3,
        "data": {"display_name": "Okoro"},
        "client_ts": "2025-01-02T03:04:05Z",
    }
    raw.update(overrides)
    return raw


def _errors(raw: dict[str, Any]) -> dict[str, list[str]]:
    with pytest.raises(EnvelopeError) as caught:
        parse_mutation(raw)
    return caught.value.errors


# --- parse_mutation accepts ---------------------------------------------------------------


def test_a_create_is_read_without_a_base_version():
    mutation = parse_mutation(_raw(op="create", base_version=None, mutation_id=7))
    assert mutation == Mutation(
        mutation_id=7,
        entity="family",
        op=MutationOp.CREATE,
        id=RECORD_ID,
        base_version=None,
        data={"display_name": "Okoro"},
        client_ts="2025-01-02T03:04:05Z",
    )


def test_a_create_ignores_any_base_version_sent():
    assert parse_mutation(_raw(op="create", base_version=9)).base_version is None
    assert parse_mutation(_raw(op="create", base_version="junk")).base_version is None


@pytest.mark.parametrize("op", ["update", "delete", "sign"])
def test_an_update_delete_or_sign_keeps_its_base_version(op):
    mutation = parse_mutation(_raw(op=op, base_version=3))
    assert mutation.op is MutationOp(op)
    assert mutation.base_version == 3


def test_every_op_is_accepted():
    for op in MutationOp:
        base = None if op is MutationOp.CREATE else 1
        assert parse_mutation(_raw(op=op.value, base_version=base)).op is op


@pytest.mark.parametrize("entity", sorted(MERGE_RULES))
def test_every_record_kind_is_a_known_entity(entity):
    assert parse_mutation(_raw(entity=entity)).entity == entity
    assert entity in ENTITIES


def test_the_id_is_normalised_to_canonical_uuid_text():
    mutation = parse_mutation(_raw(id=RECORD_ID.upper()))
    assert mutation.id == RECORD_ID
    assert parse_mutation(_raw(id=RECORD_ID.replace("-", ""))).id == RECORD_ID


def test_missing_data_is_an_empty_object_and_client_ts_is_optional():
    raw = _raw(op="delete")
    del raw["data"]
    del raw["client_ts"]
    mutation = parse_mutation(raw)
    assert mutation.data == {}
    assert mutation.client_ts is None


# --- parse_mutation rejects, naming the field ----------------------------------------------


@pytest.mark.parametrize(
    "entity", ["rejection", "user", "", None, 3, "Family", "checklist_template", [], {}]
)
def test_an_unknown_entity_is_named(entity):
    assert set(_errors(_raw(entity=entity))) == {"entity"}


def test_a_missing_entity_is_named():
    raw = _raw()
    del raw["entity"]
    assert set(_errors(raw)) == {"entity"}


@pytest.mark.parametrize("op", ["upsert", "evict", "CREATE", "", None, 1])
def test_a_bad_op_is_named(op):
    assert "op" in _errors(_raw(op=op, base_version=1))


@pytest.mark.parametrize("record_id", ["not-a-uuid", "", None, 12, "0190f4b2-6c1e-7abc-8def"])
def test_a_bad_id_is_named(record_id):
    assert set(_errors(_raw(id=record_id))) == {"id"}


@pytest.mark.parametrize("op", ["update", "delete", "sign"])
@pytest.mark.parametrize("base_version", [None, True, False, 0, -1, "3", 3.0, [3]])
def test_an_update_delete_or_sign_needs_a_whole_positive_base_version(op, base_version):
    assert set(_errors(_raw(op=op, base_version=base_version))) == {"base_version"}


@pytest.mark.parametrize("op", ["update", "delete", "sign"])
def test_a_missing_base_version_is_named(op):
    raw = _raw(op=op)
    del raw["base_version"]
    assert set(_errors(raw)) == {"base_version"}


@pytest.mark.parametrize("data", [None, [], "text", 1, ["a", 1]])
def test_data_that_is_not_an_object_is_named(data):
    assert set(_errors(_raw(data=data))) == {"data"}


@pytest.mark.parametrize("client_ts", [1, 1.5, True, {}, ["2025"]])
def test_a_client_ts_that_is_not_a_string_is_named(client_ts):
    assert set(_errors(_raw(client_ts=client_ts))) == {"client_ts"}


def test_every_bad_field_is_named_at_once():
    errors = _errors(
        _raw(entity="nope", id="nope", base_version=0, data=[], client_ts=5, op="update")
    )
    assert set(errors) == {"entity", "id", "base_version", "data", "client_ts"}
    assert all(isinstance(messages, list) and messages for messages in errors.values())


def test_an_envelope_error_is_a_value_error():
    assert issubclass(EnvelopeError, ValueError)


# --- check_batch ---------------------------------------------------------------------------


def _batch(*ids: Any) -> list[dict[str, Any]]:
    return [_raw(mutation_id=mutation_id) for mutation_id in ids]


def test_an_empty_batch_is_accepted():
    assert check_batch([]) == []


def test_increasing_ids_are_accepted_with_gaps():
    batch = _batch(1, 2, 5, 100, 101)
    assert check_batch(batch) == batch


def test_a_batch_may_start_above_one():
    assert len(check_batch(_batch(40, 41))) == 2


def test_a_batch_of_exactly_the_limit_is_accepted():
    batch = _batch(*range(1, MAX_PUSH_MUTATIONS + 1))
    assert len(check_batch(iter(batch))) == MAX_PUSH_MUTATIONS


def test_a_batch_over_the_limit_is_refused():
    assert MAX_PUSH_MUTATIONS == 500
    with pytest.raises(BatchError):
        check_batch(_batch(*range(1, MAX_PUSH_MUTATIONS + 2)))


@pytest.mark.parametrize("ids", [(1, 1), (2, 1), (1, 3, 2), (5, 6, 6, 7)])
def test_non_increasing_ids_are_refused_and_the_offender_is_named(ids):
    with pytest.raises(BatchError) as caught:
        check_batch(_batch(*ids))
    offender = next(i for i in range(1, len(ids)) if ids[i] <= ids[i - 1])
    assert set(caught.value.errors) == {f"mutations.{offender}.mutation_id"}


@pytest.mark.parametrize("bad", [True, False, 0, -1, "2", 2.0, None])
def test_an_id_that_is_not_a_whole_number_of_at_least_one_is_refused(bad):
    with pytest.raises(BatchError) as caught:
        check_batch(_batch(1, bad) if bad is not True else _batch(bad))
    index = 0 if bad is True else 1
    assert set(caught.value.errors) == {f"mutations.{index}.mutation_id"}


def test_a_missing_id_or_a_non_object_mutation_is_refused():
    raw = _raw()
    del raw["mutation_id"]
    with pytest.raises(BatchError):
        check_batch([raw])
    with pytest.raises(BatchError):
        check_batch(["not a mutation"])  # type: ignore[list-item]


def test_check_batch_does_not_judge_anything_else():
    # A poison mutation is rejected on its own later; it never refuses the batch.
    batch = [_raw(mutation_id=1, entity="nope", id="nope", data=[])]
    assert check_batch(batch) == batch


def test_parse_keeps_the_mutation_id_check_batch_ordered():
    for raw in check_batch(_batch(3, 9)):
        assert parse_mutation(raw).mutation_id == raw["mutation_id"]


# --- which ids a device has had processed ---------------------------------------------------


def test_a_device_numbering_without_gaps_never_has_a_skipped_range():
    ledger = MutationLedger(0, [])
    for mutation_id in range(1, 6):
        assert not ledger.processed(mutation_id)
        ledger.record(mutation_id)
    assert (ledger.last, ledger.skipped) == (5, [])
    assert all(ledger.processed(mutation_id) for mutation_id in range(1, 6))


def test_ids_skipped_are_new_until_they_arrive_then_processed_once():
    ledger = MutationLedger(3, [])
    ledger.record(7)
    ledger.record(10)
    assert ledger.skipped == [[4, 6], [8, 9]]
    assert [ledger.processed(i) for i in range(1, 12)] == [
        True, True, True, False, False, False, True, False, False, True, False,
    ]  # fmt: skip
    ledger.record(5)
    ledger.record(8)
    ledger.record(9)
    assert ledger.skipped == [[4, 4], [6, 6]]
    assert ledger.processed(5) and ledger.processed(9) and not ledger.processed(6)
    ledger.record(5)  # again: nothing changes
    assert (ledger.last, ledger.skipped) == (10, [[4, 4], [6, 6]])


def test_only_the_newest_skipped_ranges_are_kept():
    ledger = MutationLedger(0, [])
    for mutation_id in range(2, 2 * (MAX_SKIPPED_RANGES + 10), 2):
        ledger.record(mutation_id)
    assert len(ledger.skipped) == MAX_SKIPPED_RANGES
    assert ledger.skipped[-1] == [ledger.last - 1, ledger.last - 1]
    assert ledger.processed(1)  # forgotten: taken for processed, as before ranges were kept


@pytest.mark.parametrize("mutation_id", [0, -1, 2**63, 10**30, 1.5, True, "3"])
def test_a_mutation_id_outside_1_to_2_63_minus_1_refuses_the_batch(mutation_id):
    with pytest.raises(BatchError) as refused:
        check_batch([_raw(mutation_id=mutation_id)])
    assert "mutations.0.mutation_id" in refused.value.errors


def test_a_base_version_no_record_reaches_rejects_the_mutation():
    assert "base_version" in _errors(_raw(base_version=MAX_VERSION + 1))
    assert parse_mutation(_raw(base_version=MAX_VERSION)).base_version == MAX_VERSION


def test_what_no_json_column_holds_is_made_storable():
    typed = {"a": float("nan"), "b": [float("inf"), -float("inf")], "c": "x\x00y", "d": 1.5}
    assert storable(typed) == {
        "a": "NaN",
        "b": ["Infinity", "-Infinity"],
        "c": "x\ufffdy",
        "d": 1.5,
    }
