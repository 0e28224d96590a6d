"""The password policy: long enough, not common, explained in plain English."""

from __future__ import annotations

import pytest

from server.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

TOO_SHORT = f"Password must be at least {MIN_LENGTH} characters."
TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer."
TOO_COMMON = "Password is too common or easy to guess. Try a few unrelated words."

# A long passphrase of unrelated words, nothing like a known password.
GOOD = "shadow-plinth-marigold-quota"


def test_policy_numbers() -> None:
    assert MIN_LENGTH == 12
    assert MAX_LENGTH == 256


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password1234!",
        "iloveyou1234",
        "qwertyuiop123",
        "passwordpassword",
        "123456789012",
        "abc123abc123",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
    ],
)
def test_common_or_guessable_passwords_refused(password: str) -> None:
    assert password_problems(password) == [TOO_COMMON]


@pytest.mark.parametrize(
    "password",
    [
        "correcthorsebatterystaple",
        "CorrectHorseBatteryStaple",
        "correct horse battery staple",
        "correct-horse-battery-staple",
    ],
)
def test_famous_example_passphrase_refused(password: str) -> None:
    assert password_problems(password) == [TOO_COMMON]


def test_message_is_plain_english() -> None:
    (message,) = password_problems("password1234")
    assert message.endswith(".")
    assert "zxcvbn" not in message.lower()
    assert "score" not in message.lower()


def test_eleven_characters_refused_with_the_length_message() -> None:
    assert password_problems("k7#Qz!mv2Lp") == [TOO_SHORT]


def test_short_message_comes_before_any_strength_check() -> None:
    assert password_problems("") == [TOO_SHORT]
    assert password_problems("password") == [TOO_SHORT]


def test_twelve_characters_is_long_enough() -> None:
    assert password_problems("k7#Qz!mv2Lp9") == []


@pytest.mark.parametrize(
    "password",
    [
        GOOD,
        "lantern quietly orbit zebra",
        "Vx9-tug-ember-43-orchid-lark",
        "q8$Lm2!vRz#7pW",
    ],
)
def test_long_random_passphrases_accepted(password: str) -> None:
    assert password_problems(password) == []


@pytest.mark.parametrize("length", [72, 73, 100, 101, 200, MAX_LENGTH])
def test_long_passphrases_up_to_the_limit_accepted(length: int) -> None:
    password = ("shadow-plinth-marigold-quota-fjord-velvet-" * 10)[:length]
    assert len(password) == length
    assert password_problems(password) == []


def test_longer_than_the_limit_refused_with_the_length_message() -> None:
    assert password_problems("x" * (MAX_LENGTH + 1)) == [TOO_LONG]
    assert password_problems(GOOD * 10) == [TOO_LONG]


def test_a_variant_of_the_famous_passphrase_with_more_is_not_refused() -> None:
    # Only the famous phrase itself is refused, not every passphrase sharing its words.
    assert password_problems("correct-horse-battery-staple-9") == []


def test_password_built_from_the_users_own_name_refused() -> None:
    assert password_problems("janesmith2024") == []
    assert password_problems("janesmith2024", user_inputs=["janesmith", "Jane Smith"]) == [
        TOO_COMMON
    ]


def test_user_inputs_do_not_spoil_an_unrelated_password() -> None:
    assert password_problems(GOOD, user_inputs=["janesmith", "Jane Smith"]) == []
