"""Property-based tests of the whole API from its OpenAPI description (schemathesis).

Signed in as a caseworker with one family of records, every operation gets
bounded generated requests: none may answer 5xx, and every response must
match the documented schema.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .casework import build_family, publish_practice_settings

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def signed_in(app, make_user, make_client):
    make_user("admin", username="root", team=None)
    make_user("caseworker", username="amara")
    make_user("supervisor", username="hannah")
    template = publish_practice_settings(make_client("root"))
    worker = make_client("amara")
    build_family(worker, make_client("hannah"), template["id"])
    return worker


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")
every_operation = schema.exclude(path_regex=r"^/api/auth/(logout|totp/setup)$")
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

# The operations in three tests, by method, so a parallel run (make test) can
# give them to different workers: together they are every operation.


def check(case, signed_in):
    cookie = signed_in.client.get_cookie("session")
    response = case.call(
        headers={"X-CSRF-Token": signed_in.csrf_token},
        cookies={"session": cookie.value},
    )
    case.validate_response(response, checks=CHECKS)


@every_operation.include(method=["GET", "DELETE"]).parametrize()
@BOUNDED
def test_no_read_or_delete_errors_or_breaks_its_schema(case, signed_in):
    check(case, signed_in)


@every_operation.include(method="POST").parametrize()
@BOUNDED
def test_no_post_errors_or_breaks_its_schema(case, signed_in):
    check(case, signed_in)


@every_operation.exclude(method=["GET", "DELETE", "POST"]).parametrize()
@BOUNDED
def test_no_patch_or_put_errors_or_breaks_its_schema(case, signed_in):
    check(case, signed_in)
