"""schemathesis against the OpenAPI document: no server error, every answer as the schema says."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from search.openapi import openapi_schema

# The same document /api/v1/schema/ serves (test_services checks that endpoint); loading it from the dict
# keeps collection free of requests.
schema = schemathesis.openapi.from_dict(openapi_schema())
#: Every operation of the document. schemathesis's own `schema.parametrize()` gives all of them one pytest id (with
#: pytest 9), and xdist's ``--dist loadfile`` then runs only one: a plain parametrization names each.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def wsgi_in_test_transaction():
    """Like Django's test client: a request through the real WSGI app must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield application
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_api_conforms_to_its_schema(operation, data, catalogue, wsgi_in_test_transaction):
    case = data.draw(operation.as_strategy())
    case.call_and_validate(
        app=wsgi_in_test_transaction,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
