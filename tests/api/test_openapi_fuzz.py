"""Fuzz every endpoint from its OpenAPI description: no 5xx, and every response as documented.

Schemathesis draws requests for each operation of ``/openapi.json`` (on a store with a dataset,
a scenario and a finished run) and checks each response:
no server error, a documented status code, the documented content type, headers and body
schema. It does so on a server for one analyst (auth off) and on a shared one, as an admin
with a token (auth on). Requests go to a loopback host, as a local client's would (other
hosts are refused, see ``test_guards.py``). Not checked: "schema-valid data must be accepted"
— a dataset or scenario can be well-formed JSON and still be refused, with its problems, by
the domain's validation (a 422 that is documented).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import reechain
from reechain.api import create_app
from reechain.store import Store
from reechain.workflows import jobs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
schemathesis.serializer.alias(XLSX, "application/octet-stream")
"""Workbook uploads are fuzzed as arbitrary bytes."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HOST = {"Host": "127.0.0.1:8000"}
SCENARIO = "name: s1\ndataset: sample\nhorizon_months: 12\nevents: []\n"


def _seed(store: Store, workspace: str) -> None:
    """Give the workspace a stored dataset, a scenario and a finished run, so that lists and
    reads answer with real objects (timestamps and all), not only with empty lists and 404s."""
    store.add_dataset(reechain.load_dataset("sample"), workspace=workspace)
    store.save_scenario("s1", "sample", SCENARIO, workspace=workspace)
    jobs.execute(store, jobs.start(store, "summary", "sample", workspace=workspace))


@pytest.mark.parametrize("auth", [False, True], ids=["auth-off", "auth-on"])
def test_no_server_errors_and_responses_match_the_schema(tmp_path: Path, auth: bool) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    headers = dict(HOST)
    workspace = "default"
    if auth:
        workspace = "team"
        store.add_user("ada", "admin", workspace)
        headers["Authorization"] = f"Bearer {store.create_token('ada')}"
    _seed(store, workspace)
    app = create_app(store, auth=auth)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=HOST)
    failures: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            calls.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")
    store.close()
    assert failures == []
    assert len(calls) >= 10 * len(operations)  # every operation was really exercised
    assert not any(code >= 500 for code in calls)
    if auth:  # the token was honoured: not everything was refused
        assert sum(code < 400 for code in calls) >= len(operations)
