"""The server's messages reach a Welsh speaker in Welsh: its own and the libraries'.

A message written inline where an error is raised, without ``translatable``,
never reaches the catalogue, so the catalogue test cannot see it is missing:
the first test here finds such messages in the code.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from flask import Flask

from server.domain.errors import DomainError, translatable
from server.errors import LIBRARY_MESSAGES, in_language
from server.i18n import in_language as speaking

ROOT = Path(__file__).resolve().parents[2]

# What takes a message a person reads: the domain's errors, field errors and
# marshmallow's refusals, and a validator's or field's own messages.
ERRORS = {cls.__name__ for cls in DomainError.__subclasses__()} | {
    "DomainError",
    "InvalidInput",
    "ProofRefused",
    "NotAuthenticated",
    "Forbidden",
    "NotFound",
    "RecordSigned",
    "RuleBroken",
    "TooLarge",
    "VersionConflict",
    "UploadRefused",
    "field_errors",
    "ValidationError",
}
MESSAGE_KEYWORDS = {"error", "error_messages"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def _looks_like_a_message(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        # An f-string with a space in its literal part is a sentence, not a field's name.
        return any(
            isinstance(part, ast.Constant) and " " in str(part.value) for part in node.values
        )
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def unmarked_messages(source: str) -> list[str]:
    """Return the messages given to an error without ``translatable``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not _looks_like_a_message(node) or isinstance(parents.get(node), ast.JoinedStr):
            continue
        climbing: ast.AST = node
        while climbing in parents:
            parent = parents[climbing]
            if isinstance(parent, ast.Call) and _name(parent.func) == "translatable":
                break
            in_error = isinstance(parent, ast.Call) and _name(parent.func) in ERRORS
            if in_error or (isinstance(parent, ast.keyword) and parent.arg in MESSAGE_KEYWORDS):
                found.append((node.lineno, node.col_offset, ast.unparse(node)))
                break
            if isinstance(parent, ast.FunctionDef | ast.ClassDef | ast.Module):
                break
            climbing = parent
    return [f"line {line}: {text}" for line, _, text in sorted(found)]


def test_every_error_message_in_the_server_is_marked_for_translation():
    unmarked = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "server").rglob("*.py"))
        if "migrations" not in path.parts
        and (found := unmarked_messages(path.read_text(encoding="utf-8")))
    }
    assert unmarked == {}, "wrap each in translatable(...), with {name} for a value"


def test_the_finder_sees_an_inline_message_and_an_f_string():
    source = (
        "raise RuleBroken('That cannot be done now.')\n"
        "raise InvalidInput(errors=field_errors(year=f'Choose a year from {first}.'))\n"
        "raise RuleBroken(translatable('Marked, so fine.'))\n"
        "errors = field_errors(**{name: 'still a message, unmarked'})\n"
        "field = fields.UUID(error_messages={'required': 'Choose one.'})\n"
    )
    assert unmarked_messages(source) == [
        "line 1: 'That cannot be done now.'",
        "line 2: f'Choose a year from {first}.'",
        "line 4: 'still a message, unmarked'",
        "line 5: 'Choose one.'",
    ]


@pytest.fixture
def welsh(app: Flask):
    with app.test_request_context(), speaking("cy"):
        yield


@pytest.mark.usefixtures("welsh")
def test_a_message_with_values_is_translated_with_the_same_values():
    message = translatable("The record is now at version {version}.", version=3)
    assert message == "The record is now at version 3."  # the English is unchanged
    assert in_language(message) == "Mae'r cofnod bellach ar fersiwn 3."


@pytest.mark.usefixtures("welsh")
@pytest.mark.parametrize(
    ("english", "cymraeg"),
    [
        ("Missing data for required field.", "Mae angen llenwi'r maes hwn."),
        ("Not a valid UUID.", "Nid yw hwn yn UUID dilys."),
        ("Not a valid integer.", "Nid yw hwn yn rhif cyfan dilys."),
        ("Shorter than minimum length 1.", "Yn fyrrach na'r hyd lleiaf, sef 1."),
        ("Length must be between 1 and 80.", "Rhaid i'r hyd fod rhwng 1 a 80."),
        (
            "Must be greater than or equal to 1 and less than or equal to 200.",
            "Rhaid iddo fod rhwng 1 a 200, gan gynnwys y ddau.",
        ),
        ("Must be greater than or equal to 0.", "Rhaid iddo fod yn 0 neu'n fwy."),
        ("Must be one of: en, cy.", "Rhaid iddo fod yn un o'r rhain: en, cy."),
        ("Amara's own words.", "Amara's own words."),  # not a message: left as it is
    ],
)
def test_marshmallows_messages_are_translated_by_their_shape(english, cymraeg):
    assert in_language(english) == cymraeg


def test_every_library_message_has_welsh(app: Flask):
    with app.test_request_context(), speaking("cy"):
        untranslated = [
            message
            for message in LIBRARY_MESSAGES
            if in_language(_filled_with_ones(message)) == _filled_with_ones(message)
        ]
    assert untranslated == []


def _filled_with_ones(template: str) -> str:
    places = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    return template.format(**dict.fromkeys(places, "1"))
