"""Every request passes the guard: loopback or named hosts only, same-site changes only, a
CSRF token with the session cookie, and bodies limited by the bytes actually read."""

from __future__ import annotations

import http.client
import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import reechain
from reechain.api.guards import MAX_JSON_DEPTH, allowed_hosts, json_too_deep
from reechain.server import create_server as create_app
from reechain.store import Store
from tests.api.conftest import LOCAL
from tests.web.live import LiveServer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = {"content-type": "application/json"}
SCENARIO = "name: tight\ndataset: sample\nhorizon_months: 12\nevents: []\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    found = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield found
    found.close()


@pytest.fixture
def admin_token(store: Store) -> str:
    store.add_user("ada", "admin", "team")
    return store.create_token("ada")


@pytest.fixture
def workbook(tmp_path: Path) -> bytes:
    return reechain.export_dataset(
        reechain.load_dataset("sample"), tmp_path / "s.xlsx"
    ).read_bytes()


def _chunks(size: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Yield ``size`` bytes in pieces: sent chunked, without Content-Length."""
    for start in range(0, size, chunk):
        yield b"x" * min(chunk, size - start)


# --- the body limit ------------------------------------------------------------------------


def test_a_chunked_body_past_the_limit_is_refused_on_every_route(
    store: Store, admin_token: str
) -> None:
    bearer = {"authorization": f"Bearer {admin_token}"}
    routes = [
        ("/api/datasets/upload", {"content-type": XLSX, **bearer}),
        ("/api/scenarios/validate", {**JSON, **bearer}),
        ("/_dash-update-component", {**JSON, **bearer}),
        ("/login", {"content-type": "application/x-www-form-urlencoded"}),  # no token at all
    ]
    with TestClient(create_app(store, auth=True, max_upload_bytes=1000), base_url=LOCAL) as client:
        for path, headers in routes:
            response = client.post(path, content=_chunks(5000, 700), headers=headers)
            assert "content-length" not in response.request.headers
            assert (path, response.status_code) == (path, 413)
            assert response.json()["detail"] == "request body too large: at most 1000 bytes"
        declared = client.post("/login", content=b"t" * 1001, headers=routes[3][1])
        assert declared.status_code == 413


def test_uploads_are_streamed_to_disk_not_held_in_memory(store: Store) -> None:
    size = 40 * 1024 * 1024
    with LiveServer(create_app(store, max_upload_bytes=2 * size)) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        tracemalloc.start()
        try:
            connection.request(
                "POST",
                "/api/datasets/upload",
                body=_chunks(size),
                headers={"content-type": XLSX},
                encode_chunked=True,
            )
            response = connection.getresponse()
            body = response.read()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            connection.close()
    assert response.status == 422, body  # read whole (not a workbook), and said so
    assert b"a readable .xlsx workbook" in body
    assert peak < size / 4  # it was all of it, and more


def test_json_nested_too_deep_is_a_422_not_a_server_error(store: Store) -> None:
    deep_params = '{"a":' * 300 + "1" + "}" * 300
    bodies = [
        ("/api/runs", '{"kind":"simulate","dataset":"sample","params":' + deep_params + "}"),
        ("/api/scenarios/validate", '{"body":' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("/_dash-update-component", '{"output":' + "[" * 5000 + "]" * 5000 + "}"),
    ]
    with TestClient(create_app(store), base_url=LOCAL, raise_server_exceptions=False) as client:
        for path, body in bodies:
            response = client.post(path, content=body, headers=JSON)
            assert (path, response.status_code) == (path, 422)
            problem = response.json()["problems"][0]
            assert problem["expected"] == f"at most {MAX_JSON_DEPTH} levels of arrays and objects"
        shallow = '{"kind":"simulate","dataset":"sample","params":{"a":[[[1]]]}}'
        assert client.post("/api/runs", content=shallow, headers=JSON).status_code in (202, 422)
        assert "levels" not in client.post("/api/runs", content=shallow, headers=JSON).text


def test_json_depth_counts_structure_not_brackets_in_strings() -> None:
    assert not json_too_deep(b'{"a": "' + b"[" * 10_000 + b'"}', limit=8)
    assert not json_too_deep(b'["\\"' + b"{" * 100 + b'", [1]]', limit=8)
    assert not json_too_deep(b"[" * 8 + b"]" * 8, limit=8)
    assert json_too_deep(b"[" * 9 + b"]" * 9, limit=8)
    assert json_too_deep(b'{"x": "]]]]", "y": ' + b"[" * 9 + b"]" * 9 + b"}", limit=8)
    assert json_too_deep(b"[" * 100_000 + b"]" * 100_000)
    assert not json_too_deep(b"[[[[[[[[[[not json", limit=8)  # the route says why


def test_a_body_the_parser_gives_up_on_is_a_documented_422(store: Store) -> None:
    huge_number = '{"kind": "simulate", "dataset": "sample", "seed": ' + "1" * 5000 + "}"
    with TestClient(create_app(store), base_url=LOCAL) as client:
        response = client.post("/api/runs", content=huge_number, headers=JSON)
    assert response.status_code == 422
    assert response.json()["problems"][0]["expected"] == "a JSON document"


# --- Host and Origin -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://localhost", "http://[::1]:9", "http://LOCALHOST."]
)
def test_loopback_hosts_are_served(store: Store, url: str) -> None:
    with TestClient(create_app(store), base_url=url) as client:
        assert client.get("/api/health").status_code == 200


def test_other_hosts_are_refused_unless_allowed(store: Store) -> None:
    """A page that rebinds its own name to 127.0.0.1 reaches the server under that name."""
    app = create_app(store, allowed_hosts=["reechain.example.org"])
    for url in ("http://attacker.example", "http://127.0.0.1.attacker.example"):
        with TestClient(app, base_url=url) as client:
            for path in ("/api/health", "/", "/_dash-layout"):
                response = client.get(path)
                assert (url, path, response.status_code) == (url, path, 400)
            assert "--allowed-host" in client.get("/api/health").json()["detail"]
    with TestClient(app, base_url="https://reechain.example.org:8443") as client:
        assert client.get("/api/health").status_code == 200


def test_a_cross_site_text_plain_post_cannot_replace_the_default_dataset(
    store: Store, workbook: bytes
) -> None:
    """The finding: a page on any site posting a workbook as text/plain, no preflight."""
    with TestClient(create_app(store), base_url=LOCAL) as client:
        url = "/api/datasets/upload?replace=true"
        forged = {"content-type": "text/plain", "origin": "https://attacker.example"}
        assert client.post(url, content=workbook, headers=forged).status_code == 403
        referred = {"content-type": "text/plain", "referer": "https://attacker.example/x"}
        assert client.post(url, content=workbook, headers=referred).status_code == 403
        nameless = {"content-type": "text/plain"}  # no Origin, no Referer: the type is refused
        response = client.post(url, content=workbook, headers=nameless)
        assert response.status_code == 415
        assert "without a bearer token" in response.json()["detail"]
        assert client.post(url, content=workbook).status_code == 415  # no type is text/plain
        assert store.list_datasets(workspace="default") == []
        ours = {"content-type": XLSX, "origin": "http://127.0.0.1"}
        assert client.post(url, content=workbook, headers=ours).status_code == 201


@pytest.mark.parametrize(
    "origin",
    ["null", "http://127.0.0.1:3000", "http://localhost", "https://127.0.0.1", "file:///x"],
)
def test_changes_from_another_origin_are_refused(store: Store, origin: str) -> None:
    with TestClient(create_app(store), base_url="http://127.0.0.1") as client:
        response = client.post(
            "/api/scenarios/validate", json={"body": SCENARIO}, headers={"origin": origin}
        )
        assert response.status_code == 403
        assert response.json()["problems"][0]["column"] == "header Origin"
        response = client.post(
            "/api/scenarios/validate",
            json={"body": SCENARIO},
            headers={"origin": "http://127.0.0.1"},
        )
        assert response.status_code == 200


def test_an_allowed_host_may_be_the_origin_behind_a_proxy(store: Store) -> None:
    app = create_app(store, allowed_hosts=["reechain.example.org"])
    with TestClient(app, base_url="http://reechain.example.org") as client:
        response = client.post(
            "/api/scenarios/validate",
            json={"body": SCENARIO},
            headers={"origin": "https://reechain.example.org"},
        )
        assert response.status_code == 200


def test_a_bearer_token_may_send_any_content_type(
    store: Store, admin_token: str, workbook: bytes
) -> None:
    """A page cannot set Authorization on another site without asking first."""
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        headers = {"content-type": "text/plain", "authorization": f"Bearer {admin_token}"}
        response = client.post("/api/datasets/upload", content=workbook, headers=headers)
        assert response.status_code == 201


# --- the session cookie and its CSRF token ---------------------------------------------------


def test_signing_in_sets_a_strict_session_and_a_csrf_token(store: Store, admin_token: str) -> None:
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        form = {"content-type": "application/x-www-form-urlencoded"}
        signed = client.post(
            "/login", content=f"token={admin_token}", headers=form, follow_redirects=False
        )
        assert signed.status_code == 303
        cookies = {c.split("=")[0]: c.lower() for c in signed.headers.get_list("set-cookie")}
        assert set(cookies) == {"reechain_token", "_csrf_token"}
        assert all("samesite=strict" in c for c in cookies.values())
        assert "httponly" in cookies["reechain_token"]
        assert "httponly" not in cookies["_csrf_token"]  # Dash's renderer reads it
        forged = client.post(
            "/login",
            content=f"token={admin_token}",
            headers={**form, "origin": "https://attacker.example"},
        )
        assert forged.status_code == 403


def test_a_cookie_session_needs_the_csrf_header_to_change_anything(
    store: Store, admin_token: str
) -> None:
    body = {"output": "page.children", "outputs": {}, "inputs": [], "changedPropIds": []}
    with TestClient(
        create_app(store, auth=True), base_url=LOCAL, raise_server_exceptions=False
    ) as client:
        client.cookies.set("reechain_token", admin_token)
        refused = client.post("/_dash-update-component", json=body)
        assert refused.status_code == 403
        assert refused.json()["problems"][0]["column"] == "header X-CSRFToken"
        client.cookies.set("_csrf_token", "s3cret")
        wrong = client.post("/_dash-update-component", json=body, headers={"x-csrftoken": "x"})
        assert wrong.status_code == 403
        right = client.post("/_dash-update-component", json=body, headers={"x-csrftoken": "s3cret"})
        assert right.status_code not in (401, 403)  # past the guard and the sign-in check
        assert client.get("/").status_code == 200  # reading needs no token


# --- the shape of what comes back ----------------------------------------------------------


def test_timestamps_carry_their_utc_offset(store: Store, workbook: bytes) -> None:
    with TestClient(create_app(store), base_url=LOCAL) as client:
        client.post("/api/datasets/upload", content=workbook, headers={"content-type": XLSX})
        created = client.post("/api/scenarios", json={"name": "tight", "body": SCENARIO})
        assert created.status_code == 201, created.text
        run = client.post("/api/runs", json={"kind": "simulate", "dataset": "sample"}).json()
        stamps = [
            next(d for d in client.get("/api/datasets").json() if d["stored"])["imported_at"],
            client.get("/api/scenarios/tight").json()["created_at"],
            client.get("/api/scenarios/tight").json()["updated_at"],
            client.get(f"/api/runs/{run['id']}").json()["created_at"],
        ]
    for stamp in stamps:
        assert datetime.fromisoformat(stamp).utcoffset() is not None, stamp
        assert stamp.endswith(("Z", "+00:00")), stamp


def test_a_session_from_before_the_csrf_token_gets_one_with_its_next_page(
    store: Store, admin_token: str
) -> None:
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        client.cookies.set("reechain_token", admin_token)
        page = client.get("/")
        assert page.status_code == 200
        given = [c for c in page.headers.get_list("set-cookie") if c.startswith("_csrf_token=")]
        assert len(given) == 1
        assert "samesite=strict" in given[0].lower()
        assert client.cookies.get("_csrf_token")
        again = client.get("/")  # it has one now: no new one
        assert not any(c.startswith("_csrf") for c in again.headers.get_list("set-cookie"))


def test_the_hosts_served_are_loopback_the_named_and_a_specific_bind_address() -> None:
    loopback = {"127.0.0.1", "localhost", "::1"}
    assert allowed_hosts([], "0.0.0.0") == loopback
    assert allowed_hosts(["Intranet.", "[fd00::5]"], "10.0.0.7") == {
        *loopback,
        "intranet",
        "fd00::5",
        "10.0.0.7",
    }
    assert allowed_hosts([], "fe80::1%eth0") == loopback  # no Host header names it


def test_every_refusal_is_documented_where_it_can_happen(store: Store) -> None:
    paths = create_app(store).openapi()["paths"]
    assert {"400", "403", "409", "413", "415", "422", "503"} <= set(
        paths["/api/runs"]["post"]["responses"]
    )
    assert {"400", "403", "503"} <= set(paths["/api/runs/{run_id}/cancel"]["post"]["responses"])
    assert "413" not in paths["/api/runs/{run_id}/cancel"]["post"]["responses"]  # no body
    assert set(paths["/api/health"]["get"]["responses"]) == {"200", "400"}
    error = paths["/api/datasets/upload"]["post"]["responses"]["413"]["content"]
    assert error["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
