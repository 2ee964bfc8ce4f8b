"""Fuzz every endpoint from its OpenAPI description: no 5xx, and every response as documented.

Schemathesis draws requests for each operation of ``/openapi.json`` and checks each response
(status code documented, body matching its schema, no server error). One check is left out:
"schema-valid data must be accepted" — a dataset or scenario can be well-formed JSON and
still be refused, with its problems, by the domain's validation (a 422 that is documented).
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from reechain.api import create_app
from reechain.store import Store

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
schemathesis.serializer.alias(XLSX, "application/octet-stream")
"""Workbook uploads are fuzzed as arbitrary bytes."""


def test_no_server_errors_and_responses_match_the_schema(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store, auth=False))
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
            calls.append(
                case.call_and_validate(excluded_checks=[positive_data_acceptance]).status_code
            )

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc).splitlines()[0][:300]}")
    store.close()
    assert failures == []
    assert len(calls) >= 10 * len(operations)  # every operation was really exercised
    assert not any(code >= 500 for code in calls)
