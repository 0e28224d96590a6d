"""The code lists: kept in the order forms show them, and sent in that order."""

from __future__ import annotations

import re

import pytest

from server.vocabularies import vocabularies

# Answers that say why there is no answer; they may follow a list's "Other".
NON_ANSWERS = {"Refused", "Information not yet obtained", "Not known", "Not stated"}


def is_other(label: str) -> bool:
    return re.match(r"(?i)other\b", label.strip()) is not None


@pytest.mark.parametrize("name", sorted(vocabularies()))
def test_every_code_list_puts_other_last(name):
    labels = list(vocabularies()[name].values())
    answers = [label for label in labels if label not in NON_ANSWERS]
    others = [index for index, label in enumerate(answers) if is_other(label)]
    # Every "Other…" option comes after every specific one.
    assert others == list(range(len(answers) - len(others), len(answers))), (name, labels)


def test_each_ethnic_group_ends_with_its_any_other():
    # DfE codes start with their group's letter (W White, M Mixed, A Asian...):
    # "Any other White background" closes the White group, and so on.
    codes = list(vocabularies()["ethnicity"])
    labels = vocabularies()["ethnicity"]
    for index, code in enumerate(codes):
        if labels[code].startswith("Any other"):
            later = [other for other in codes[index + 1 :] if other[0] == code[0]]
            assert later == [], f"{labels[code]} comes before {later}"


def test_the_most_common_way_of_meeting_comes_first():
    assert next(iter(vocabularies()["interaction_mode"])) == "home_visit"
    assert next(iter(vocabularies()["interaction_purpose"])) == "statutory_visit"


def test_the_app_receives_each_list_in_its_order(make_user, make_client):
    make_user("caseworker", username="amara")
    response = make_client("amara").get("/api/vocabularies")
    assert response.status_code == 200
    sent = {entry["name"]: entry["options"] for entry in response.json}
    assert set(sent) == set(vocabularies())
    for name, entries in vocabularies().items():
        assert [(option["code"], option["label"]) for option in sent[name]] == list(entries.items())
    modes = [option["label"] for option in sent["interaction_mode"]]
    assert modes[0] == "Home visit"
    assert [option["label"] for option in sent["interaction_purpose"]][-1] == "Other"
