"""The REST API application: routes, error handling, request guards and the job runner.

``create_app`` builds the app around an open store; ``reechain serve`` runs it with uvicorn.
A :class:`~reechain.errors.ReechainError` becomes a 4xx with one line (and, for a dataset,
every problem as structured JSON); anything else is a 500 and is logged.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from reechain.api import guards, routes_data, routes_metrics, routes_runs
from reechain.api.guards import RequestGuard
from reechain.api.models import HealthOut
from reechain.api.runner import JobRunner
from reechain.errors import (
    InputError,
    NotFoundError,
    ReechainError,
    StoreError,
)
from reechain.store import Store
from reechain.version import __version__

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Largest request body accepted (a dataset workbook is a few MB at most)."""
UNPARSABLE = "There was an error parsing the body"
"""FastAPI's 400 for a body its parser gave up on; answered as a documented 422."""


def create_app(
    store: Store,
    *,
    auth: bool = False,
    workers: int = 2,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """Return the REST API app serving ``store``; ``auth`` switches token checks on.

    The app answers requests for loopback hosts and ``allowed_hosts`` only, and limits
    every request body to ``max_upload_bytes`` (see :mod:`reechain.api.guards`).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # runs whose process died are failed; those that kept partial results (risk
        # chunks) go back in the queue and resume from them
        for run_id in store.recover_interrupted():
            if store.partial_count(run_id):
                store.requeue(run_id)
                app.state.runner.submit(run_id)
        # The app, the dashboard and the libraries are long-lived: moving them out of the
        # garbage collector's view keeps full collections (and the p99 latency) short.
        gc.collect()
        gc.freeze()
        yield
        app.state.runner.shutdown()

    app = FastAPI(
        title="reechain",
        version=__version__,
        lifespan=lifespan,
        description="Rare-earth supply-chain security: datasets, scenarios, runs.",
    )
    app.state.store = store
    app.state.auth = auth
    app.state.runner = JobRunner(store, workers)
    app.state.results = routes_runs.ResultCache()
    app.add_middleware(
        RequestGuard,
        hosts=guards.allowed_hosts(allowed_hosts),
        auth=auth,
        max_bytes=max_upload_bytes,
    )
    app.include_router(routes_data.router)
    app.include_router(routes_runs.router)
    app.include_router(routes_metrics.router)

    @app.get("/api/health", response_model=HealthOut)
    def health() -> HealthOut:
        """The server is up; which version, whether auth is on, which database."""
        return HealthOut(status="ok", version=__version__, auth=auth, database=store.dialect)

    @app.exception_handler(ReechainError)
    async def reechain_error(_request: Request, exc: ReechainError) -> JSONResponse:
        code = (
            404
            if isinstance(exc, NotFoundError)
            else 422
            if isinstance(exc, InputError)
            else 503
            if isinstance(exc, StoreError)
            else 409
        )
        body: dict[str, object] = {"detail": str(exc)}
        problems = getattr(exc, "problems", None)  # a dataset's or a scenario file's
        if problems:
            body["problems"] = [_problem_out(p.as_dict()) for p in problems]
        return JSONResponse(body, status_code=code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "file": "request",
                "line": None,
                "column": ".".join(str(p) for p in err.get("loc", ())),
                "found": None if err.get("type") == "missing" else _short(err.get("input")),
                "expected": str(err.get("msg", "a valid value")),
                "hint": None,
            }
            for err in exc.errors()
        ]
        first = problems[0] if problems else {"column": "request", "expected": "valid input"}
        return JSONResponse(
            {"detail": f"{first['column']}: {first['expected']}", "problems": problems},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == UNPARSABLE:  # FastAPI's, undocumented
            return JSONResponse(
                {
                    "detail": "body: cannot be read as JSON",
                    "problems": [
                        {
                            "file": "request",
                            "line": None,
                            "column": "body",
                            "found": None,
                            "expected": "a JSON document",
                            "hint": None,
                        }
                    ],
                },
                status_code=422,
            )
        return await http_exception_handler(request, exc)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = guards.document_refusals(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    return app


def _problem_out(problem: dict[str, object]) -> dict[str, object]:
    """Return a dataset or scenario problem in the API's one problem shape."""
    column = problem.get("column", problem.get("field"))
    found = problem.get("found")
    return {
        "file": problem.get("file"),
        "line": problem.get("line"),
        "column": None if column is None else str(column),
        "found": None if found is None else str(found),
        "expected": str(problem.get("expected")),
        "hint": problem.get("hint"),
    }


def _short(value: object) -> str | None:
    """Return a value as text of at most 200 characters, for an error message."""
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."
