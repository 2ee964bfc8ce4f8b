"""Data: every figure with its source and confidence; downloads; dataset upload."""

from __future__ import annotations

import base64
import binascii
import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from reechain import workflows
from reechain.errors import DatasetError, ReechainError
from reechain.exporting import columns_of, csv_safe, records_csv
from reechain.store import User
from reechain.web.auth import can_run, request_user
from reechain.web.context import services
from reechain.web.focus import FOCUS
from reechain.web.pages import Page
from reechain.web.ui import aria, download, dropdown, field, fmt, table

COLUMNS = (
    "table",
    "line",
    "key",
    "value_field",
    "value",
    "source",
    "source_year",
    "confidence",
    "method",
    "url",
    "note",
)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
NOTE_CHARS = 220
PAGE_ROWS = 25
UPLOAD_INPUT = "data-upload-input"
"""The id given (in the browser) to dcc.Upload's file input, so its label points at it."""
LABEL_UPLOAD = f"""function(_className) {{
    let tries = 0;
    const label = () => {{
        const input = document.querySelector('#data-upload input[type=file]');
        if (input) {{ input.id = '{UPLOAD_INPUT}'; }}
        else if (tries++ < 50) {{ setTimeout(label, 100); }}
    }};
    label();
    return true;
}}"""


def layout(user: User | None) -> html.Div:
    """Return the page: filters, the table of figures, downloads and the upload form."""
    workspace = user.workspace if user else "default"
    datasets = services().dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    allowed = can_run(user)
    return html.Div(
        [
            html.H1("Data"),
            html.P(
                "Every figure of a dataset with where it comes from and how sure it is: "
                "high (published), medium (arithmetic on published figures, method named), "
                "low (an assumption, with bounds).",
                className="lead",
            ),
            html.Div(
                [
                    field("Dataset", dropdown("data-dataset", datasets, dataset)),
                    field(
                        "Search",
                        dcc.Input(
                            id="data-search",
                            type="search",
                            debounce=True,
                            placeholder="e.g. Lynas, Dy2O3, JPN",
                            value="",
                        ),
                    ),
                    field(
                        "Confidence",
                        dropdown(
                            "data-confidence",
                            [{"label": "any", "value": "any"}]
                            + [{"label": c, "value": c} for c in ("high", "medium", "low")],
                            "any",
                        ),
                    ),
                    dcc.Checklist(
                        id="data-only-focus",
                        options=[{"label": " only figures about the focus country", "value": "on"}],
                        value=[],
                        className="check",
                    ),
                ],
                className="controls",
                role="group",
                **aria(label="Filter figures"),
            ),
            html.P(id="data-count", role="status"),
            html.Div(id="data-table"),
            html.Div(
                [
                    html.Button("Previous page", id="data-prev", type="button"),
                    html.Span(id="data-page-label", role="status"),
                    html.Button("Next page", id="data-next", type="button"),
                    dcc.Store(id="data-page", data=0),
                ],
                className="pager",
            ),
            html.Div(
                [
                    html.Button("Download CSV", id="data-csv", type="button"),
                    html.Button("Download XLSX", id="data-xlsx", type="button"),
                    dcc.Download(id="data-download"),
                ],
                className="buttons",
            ),
            html.Section(
                [
                    html.H2("Import a dataset"),
                    html.P(
                        "An .xlsx workbook (one sheet per table) or a .zip of a dataset folder "
                        "(dataset.toml and CSV tables). It is checked first: if there is any "
                        "problem, every one is listed here and nothing is imported."
                        + ("" if allowed else " Viewers cannot import data."),
                    ),
                    html.Label("Dataset file (.xlsx or .zip)", htmlFor=UPLOAD_INPUT),
                    dcc.Upload(
                        id="data-upload",
                        children=html.Div(
                            ["Drop a file here or ", html.Span("choose one", className="linkish")]
                        ),
                        accept=".xlsx,.zip",
                        multiple=False,
                        disabled=not allowed,
                        max_size=MAX_UPLOAD_BYTES,
                        className="upload",
                        className_disabled="upload disabled",
                    ),
                    dcc.Checklist(
                        id="data-replace",
                        options=[
                            {
                                "label": " replace a stored dataset of the same name",
                                "value": "replace",
                            }
                        ],
                        value=[],
                    ),
                    html.Div(id="data-upload-result", **aria(live="polite")),
                    dcc.Store(id="data-upload-labelled"),
                ],
                className="card",
            ),
        ]
    )


def _filtered(
    dataset: str, search: str, confidence: str, workspace: str, places: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Return the figures matching every search word (and naming one of ``places``)."""
    ds = services().dataset(dataset, workspace)
    rows = workflows.show_rows(ds, confidence=None if confidence == "any" else confidence)
    words = [w.lower() for w in (search or "").split() if w]
    wanted = set(places)
    out = []
    for row in rows:
        text = " ".join(str(v) for v in row.values()).lower()
        if not all(w in text for w in words):
            continue
        if wanted and not wanted & _codes(row):
            continue
        out.append(row)
    return out


def _codes(row: dict[str, Any]) -> set[str]:
    """Return the region codes a figure is about: its region fields and codes in its key."""
    found = {str(row.get(f)) for f in ("region", "exporter", "importer", "holder")}
    return found | set(re.findall(r"(?<![A-Z])[A-Z]{3}(?![A-Z])", str(row.get("key", ""))))


def _places(
    dataset: str, workspace: str, focus: str | None, only: list[str] | None
) -> tuple[str, ...]:
    """Return the regions the focus filter keeps (() when it is off)."""
    if not only or not focus:
        return ()
    chain = services().chain(dataset, workspace)
    return tuple(chain.groups.get(focus, (focus,)))


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    out = {
        c: ("" if row.get(c) is None else str(getattr(row.get(c), "value", row.get(c))))
        for c in COLUMNS
    }
    value = getattr(row.get("value"), "value", row.get("value"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        out["value"] = fmt(value)  # the downloads keep the full number
    if len(out["note"]) > NOTE_CHARS:  # the full note is in the downloads
        out["note"] = out["note"][: NOTE_CHARS - 1] + "…"
    return out


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""

    @app.callback(
        Output("data-table", "children"),
        Output("data-count", "children"),
        Output("data-page", "data"),
        Output("data-page-label", "children"),
        Input("data-dataset", "value"),
        Input("data-search", "value"),
        Input("data-confidence", "value"),
        Input("data-prev", "n_clicks"),
        Input("data-next", "n_clicks"),
        Input(FOCUS, "value"),
        Input("data-only-focus", "value"),
        State("data-page", "data"),
    )
    def _table(
        dataset: str,
        search: str,
        confidence: str,
        _prev: Any,
        _next: Any,
        focus: str | None,
        only: list[str] | None,
        page: int | None,
    ) -> tuple[Any, ...]:
        user = request_user()
        workspace = user.workspace if user else "default"
        places = _places(dataset, workspace, focus, only)
        rows = _filtered(dataset, search, confidence, workspace, places)
        pages = max(1, -(-len(rows) // PAGE_ROWS))
        step = {"data-prev": -1, "data-next": 1}.get(str(dash.ctx.triggered_id))
        page = 0 if step is None else min(max((page or 0) + step, 0), pages - 1)
        shown = [_shown(r) for r in rows[page * PAGE_ROWS : (page + 1) * PAGE_ROWS]]
        return (
            table(
                "data-rows",
                shown,
                COLUMNS,
                caption=f"Figures of {dataset}"
                + (f" about {focus} ({', '.join(places)})" if places else ""),
                export=False,  # the buttons below download every matching figure
            ),
            f"{len(rows):,} figures" + (f" about {focus}" if places else ""),
            page,
            f"page {page + 1} of {pages}",
        )

    # dcc.Upload renders its own file input (focusable: Tab, then Space opens the chooser);
    # give it the id the label names.
    app.clientside_callback(  # type: ignore[no-untyped-call]
        LABEL_UPLOAD,
        Output("data-upload-labelled", "data"),
        Input("data-upload", "className"),
    )

    @app.callback(
        Output("data-download", "data"),
        Input("data-csv", "n_clicks"),
        Input("data-xlsx", "n_clicks"),
        State("data-dataset", "value"),
        State("data-search", "value"),
        State("data-confidence", "value"),
        State(FOCUS, "value"),
        State("data-only-focus", "value"),
        prevent_initial_call=True,
    )
    def _download(
        _csv: int,
        _xlsx: int,
        dataset: str,
        search: str,
        conf: str,
        focus: str | None,
        only: list[str] | None,
    ) -> Any:
        user = request_user()
        workspace = user.workspace if user else "default"
        places = _places(dataset, workspace, focus, only)
        rows = [
            {k: getattr(v, "value", v) for k, v in r.items()}
            for r in _filtered(dataset, search, conf, workspace, places)
        ]
        if dash.ctx.triggered_id == "data-xlsx":
            return download(_xlsx_bytes(rows), f"{dataset}-figures.xlsx")
        return download(records_csv(rows), f"{dataset}-figures.csv")

    @app.callback(
        Output("data-upload-result", "children"),
        Output("data-dataset", "options"),
        Input("data-upload", "contents"),
        State("data-upload", "filename"),
        State("data-replace", "value"),
        prevent_initial_call=True,
    )
    def _upload(contents: str | None, filename: str | None, replace: list[str]) -> Any:
        user = request_user()
        workspace = user.workspace if user else "default"
        options = services().dataset_names(workspace)
        if not contents:
            raise dash.exceptions.PreventUpdate
        if not can_run(user):
            return _error(["Importing data needs the analyst role."]), options
        try:
            dataset = import_upload(contents, filename or "upload", "replace" in replace, workspace)
        except DatasetError as exc:
            return _problems(filename or "upload", exc), options
        except ReechainError as exc:
            return _error([str(exc)]), options
        options = services().dataset_names(workspace)
        return (
            html.P(
                f"Imported {dataset} into workspace {workspace}.",
                className="ok",
                role="status",
                id="data-upload-ok",
            ),
            options,
        )


def import_upload(contents: str, filename: str, replace: bool, workspace: str) -> str:
    """Validate an uploaded workbook or zipped folder and store it; return its name.

    Raises DatasetError (every problem) or InputError; nothing is stored on error.
    """
    from reechain.errors import InputError

    _, _, encoded = contents.partition(",")
    try:
        payload = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{filename}: the upload is not readable") from None
    suffix = Path(filename).suffix.lower()
    # problems name the file the user chose (letters, digits, dot, dash, underscore kept)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name)[-80:] or "upload.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        if suffix == ".xlsx":
            path = Path(tmp) / safe
            path.write_bytes(payload)
        elif suffix == ".zip":
            path = _unzip(payload, Path(tmp), filename)
        else:
            raise InputError(f"{filename}: expected an .xlsx workbook or a .zip folder")
        dataset = workflows.validate_upload(path)
        services().store.add_dataset(
            dataset, origin=f"dashboard upload {filename}", replace=replace, workspace=workspace
        )
        return dataset.name


def _unzip(payload: bytes, folder: Path, filename: str) -> Path:
    from reechain.errors import InputError

    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise InputError(f"{filename}: not a readable .zip file") from None
    with archive:
        if sum(i.file_size for i in archive.infolist()) > 10 * MAX_UPLOAD_BYTES:
            raise InputError(f"{filename}: the archive unpacks to more than 200 MB")
        for info in archive.infolist():
            target = (folder / info.filename).resolve()
            if not target.is_relative_to(folder.resolve()):
                raise InputError(f"{filename}: {info.filename!r} points outside the archive")
        archive.extractall(folder)
    found = sorted(folder.rglob("dataset.toml"))
    if not found:
        raise InputError(f"{filename}: no dataset.toml in the archive")
    return found[0].parent


def _problems(filename: str, exc: DatasetError) -> html.Div:
    rows = [p.as_dict() for p in exc.problems]
    return html.Div(
        [
            html.P(
                f"{filename} was not imported: {len(rows)} problem"
                f"{'s' if len(rows) != 1 else ''}. Fix them and upload it again.",
                className="error",
                role="alert",
                id="data-upload-error",
            ),
            table(
                "data-problems",
                rows,
                ("file", "line", "column", "found", "expected", "hint"),
                caption="Problems found",
            ),
        ]
    )


def _error(messages: list[str]) -> html.Div:
    return html.Div(
        [html.P(m, className="error", role="alert", id="data-upload-error") for m in messages]
    )


def _xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "figures"
    columns = columns_of(rows)
    sheet.append(columns)
    for row in rows:
        sheet.append([csv_safe(row.get(c)) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PAGE = Page("data", "/data", "Data", layout, register)
