"""schemathesis over /api/v1/openapi.json: requests generated from the schema — valid ones and invalid ones — to
every read endpoint of the API (every GET but the exports and the docs) and to every write (POST, PATCH, PUT,
DELETE; but those that end the test's own token), as the chain office on the demo data. No answer may be a server
error (5xx), and every answer the schema describes must match it. A write's path id is that of a row the office
sees (the first of the list beside it), so that the bodies reach the services rather than a 404. The examples are
bounded (SCHEMATHESIS_EXAMPLES, 3 per read operation; SCHEMATHESIS_WRITE_EXAMPLES, 5 per write) so that the suite
stays fast; the requests go to the WSGI application inside the test's transaction."""
import os
import re

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

import pytest

CHECKS = [not_a_server_error, response_schema_conformance]
SETTINGS = settings(max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3")), deadline=None, derandomize=True,
                    database=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
WRITE_SETTINGS = settings(SETTINGS, max_examples=int(os.environ.get("SCHEMATHESIS_WRITE_EXAMPLES", "5")))
# Writes that end the bearer token the run uses (its refresh, its revocation, log out everywhere).
TOKEN_ENDERS = r"^/api/v1/auth/(token/refresh|tokens/|logout-everywhere)"


@pytest.fixture
def api_schema(demo_db):
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI application itself, not through Django's test client: the end of each request
    would close the database connection (close_old_connections), and with it the test's transaction on
    PostgreSQL. Django's test client disconnects the same handlers while it runs a request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(demo_db):
    from chainchief.accounts.models import ApiToken, User

    _row, raw = ApiToken.issue(User.objects.get(username="coordinator"))
    return {"Authorization": f"Bearer {raw}"}


def _run(schema, bearer, method, path_regex=None, exclude=None, ids=None, hypothesis_settings=SETTINGS):
    """Every operation of ``method`` whose path matches, with its generated cases: (operations, statuses seen,
    the failures of all of them). ``ids`` (path → id) sets the ``pk`` of the path to a row that exists."""
    failures, tried, statuses = [], 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != method or (path_regex and not re.search(path_regex, operation.path)):
            continue
        if exclude and re.search(exclude, operation.path):
            continue
        tried += 1
        pk = (ids or {}).get(operation.path)

        @hypothesis_settings
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        def check(case):
            if pk is not None and isinstance(case.path_parameters, dict) and "pk" in case.path_parameters:
                case.path_parameters["pk"] = pk
            response = case.call_and_validate(headers=bearer, checks=CHECKS)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        try:
            check()
        except Exception as exc:  # noqa: BLE001  every operation's failure is reported, not only the first
            failures.append(f"{method} {operation.path}: {str(exc)[:1500]}")
    return tried, statuses, failures


def _existing_ids(schema, bearer):
    """For every path with ``{pk}``: the id of the first row of the list at the path before it, when there is one."""
    from django.test import Client

    client, ids, lists = Client(), {}, {}
    for result in schema.get_all_operations():
        path = result.ok().path
        if "{pk}" not in path:
            continue
        base = path.split("/{pk}")[0]
        if base not in lists:
            r = client.get(base, {"limit": 1}, HTTP_AUTHORIZATION=bearer["Authorization"])
            items = r.json().get("items") if r.status_code == 200 and isinstance(r.json(), dict) else None
            lists[base] = items[0].get("id") if items and isinstance(items[0], dict) else None
        if lists[base] is not None:
            ids[path] = lists[base]
    # Django's test client connects close_old_connections again after each of its requests: disconnected once more,
    # or schemathesis' requests would close the test's connection (and its transaction, on PostgreSQL).
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    return ids


def test_reads(api_schema, bearer):
    tried, statuses, failures = _run(api_schema, bearer, "GET", exclude=r"/export$|/docs$|/openapi\.json$")
    assert failures == [], "\n\n".join(failures)
    assert tried > 50 and sum(statuses.values()) >= tried and statuses.get(200), statuses


def test_writes(api_schema, bearer):
    ids = _existing_ids(api_schema, bearer)
    assert len(ids) > 50, ids
    tried, statuses, failures = 0, {}, []
    for method in ("POST", "PATCH", "PUT", "DELETE"):  # deletions last: the other writes find their rows
        n, seen, failed = _run(api_schema, bearer, method, exclude=TOKEN_ENDERS, ids=ids,
                               hypothesis_settings=WRITE_SETTINGS)
        tried += n
        failures += failed
        for status, count in seen.items():
            statuses[status] = statuses.get(status, 0) + count
    assert failures == [], "\n\n".join(failures)
    assert tried > 140 and sum(statuses.values()) >= tried and statuses.get(200) and statuses.get(201), statuses
