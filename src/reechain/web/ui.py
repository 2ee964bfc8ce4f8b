"""Small layout helpers: every control gets a visible label tied to it; every table and
chart can be downloaded (CSV of a table's rows, CSV of a chart's data, PNG of a chart); every
number is written by :mod:`reechain.web.formatting` (:func:`fmt`, re-exported here)."""

from __future__ import annotations

import base64
from typing import Any

import dash
from dash import MATCH, Input, Output, State, dcc, html

from reechain.exporting import records_csv
from reechain.web.figures import GRAPH_CONFIG
from reechain.web.formatting import fmt, fmt_cell, heading, is_number, plain

__all__ = ["fmt", "fmt_cell"]
CHART_CSV = r"""function(clicks, id) {
    const none = window.dash_clientside.no_update;
    if (!clicks) { return none; }
    const outer = document.getElementById(id.graph);
    const gd = outer && (outer.classList.contains('js-plotly-plot')
        ? outer : outer.querySelector('.js-plotly-plot'));
    if (!gd || !gd.data) { return none; }
    const quote = (v) => {
        if (v === null || v === undefined) { return ''; }
        let t = String(v);
        if (/^[=+\-@\t\r]/.test(t) && isNaN(Number(t))) { t = "'" + t; }
        return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    const meta = gd.layout && gd.layout.meta && gd.layout.meta.csv;
    let rows = [];
    if (meta) {
        rows = [meta.columns].concat(meta.rows);
    } else {
        const axis = (a) => (gd.layout && gd.layout[a] && gd.layout[a].title
            && gd.layout[a].title.text) || a.replace('axis', '');
        rows.push(['series', axis('xaxis'), axis('yaxis')]);
        gd.data.forEach((t, i) => {
            const name = t.name || ('series ' + (i + 1));
            if (t.type === 'sankey') {
                const label = t.node.label;
                if (i === 0) { rows = [['source', 'target', 'value']]; }
                t.link.source.forEach((s, k) => rows.push(
                    [label[s], label[t.link.target[k]], t.link.value[k]]));
            } else if (t.locations) {
                if (i === 0) { rows = [['location', 'value']]; }
                t.locations.forEach((loc, k) => rows.push([loc, t.z[k]]));
            } else {
                const xs = t.x || [], ys = t.y || [];
                const n = Math.max(xs.length, ys.length);
                for (let k = 0; k < n; k++) { rows.push([name, xs[k], ys[k]]); }
            }
        });
    }
    const text = rows.map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
    return {content: text, filename: id.graph + '.csv', base64: false, type: 'text/csv'};
}"""
"""Builds a CSV of a chart's data in the browser (from the figure as drawn): a figure may
carry its own table in ``layout.meta.csv`` (columns and rows), e.g. a map's real shares."""


def aria(**values: str) -> dict[str, Any]:
    """Return ARIA attributes for a Dash html component: ``aria(label="Pages")``."""
    return {f"aria-{key}": value for key, value in values.items()}


def field(label: str, control: Any, hint: str | None = None) -> html.Div:
    """Return ``control`` under a ``<label for=...>`` naming it (and a hint when given).

    A dropdown's button takes its accessible name from its current value, so the field is
    also a group labelled by the label: assistive technology announces "Stage, separate".
    """
    control_id = str(control.id)
    children: list[Any] = [html.Label(label, htmlFor=control_id, id=f"{control_id}-label"), control]
    if hint:
        children.append(html.Small(hint, className="hint"))
    if isinstance(control, dcc.Dropdown):
        return html.Div(
            children,
            className="field",
            role="group",
            **aria(labelledby=f"{control_id}-label"),
        )
    return html.Div(children, className="field")


def dropdown(
    control_id: str,
    options: list[Any],
    value: Any,
    *,
    multi: bool = False,
    clearable: bool = False,
) -> dcc.Dropdown:
    """Return a searchable dropdown (keyboard: type to filter, arrows, Enter)."""
    return dcc.Dropdown(
        id=control_id,
        options=options,
        value=value,
        multi=multi,
        clearable=clearable,
        className="dropdown",
    )


def graph(graph_id: str, label: str, figure: Any = None) -> html.Div:
    """Return a graph with the dashboard's config (offline topojson), in a labelled group,
    with its exports: PNG from the chart's toolbar (named after the chart), its data as CSV
    from the button under it."""
    config = {
        **GRAPH_CONFIG,
        "toImageButtonOptions": {"format": "png", "filename": graph_id, "scale": 2},
    }
    return html.Div(
        [
            dcc.Graph(
                id=graph_id,
                figure=figure if figure is not None else {},
                config=config,  # type: ignore[arg-type]  # Dash's Config type lacks topojsonURL
                className="graph",
            ),
            html.Div(
                [
                    html.Button(
                        "Download chart data (CSV)",
                        id={"type": "chart-csv", "graph": graph_id},
                        type="button",
                        className="link export",
                        title=f"{label}: the chart's numbers as CSV (PNG: the camera icon)",
                    ),
                    dcc.Download(id={"type": "chart-csv-file", "graph": graph_id}),
                ],
                className="exports",
            ),
        ],
        role="group",
        **aria(label=label),
    )


def card(title: str, value: str, detail: Any = None, *, card_id: str | None = None) -> html.Section:
    """Return a key-number card."""
    body: list[Any] = [html.H3(title), html.P(value, className="big")]
    if detail is not None:
        body.append(html.Div(detail, className="detail"))
    kwargs: dict[str, Any] = {"id": card_id} if card_id else {}
    return html.Section(body, className="card kpi", **kwargs)


def pct(value: float | None, digits: int = 1) -> str:
    """Return a fraction as a percentage, or an em dash for None/NaN."""
    if value is None or value != value:
        return "—"
    return f"{100 * value:.{digits}f} %"


def register_exports(app: dash.Dash) -> None:
    """Add the callbacks behind every table's and chart's download buttons (once per app)."""

    @app.callback(
        Output({"type": "table-csv-file", "table": MATCH}, "data"),
        Input({"type": "table-csv", "table": MATCH}, "n_clicks"),
        State({"type": "table-rows", "table": MATCH}, "data"),
        State({"type": "table-csv", "table": MATCH}, "id"),
        prevent_initial_call=True,
    )
    def _table_csv(clicks: int | None, rows: Any, found: dict[str, str]) -> Any:
        if not clicks or rows is None:
            raise dash.exceptions.PreventUpdate
        return download(records_csv(rows["records"]), f"{found['table']}.csv")

    app.clientside_callback(  # type: ignore[no-untyped-call]
        CHART_CSV,
        Output({"type": "chart-csv-file", "graph": MATCH}, "data"),
        Input({"type": "chart-csv", "graph": MATCH}, "n_clicks"),
        State({"type": "chart-csv", "graph": MATCH}, "id"),
        prevent_initial_call=True,
    )


def unavailable(title: str, what: str, module: str) -> html.Div:
    """Return the 'not available in this build' state of a page."""
    return html.Div(
        [
            html.H1(title),
            html.Section(
                [
                    html.H2("Not available in this build"),
                    html.P(what),
                    html.P(
                        [
                            "This page starts working as soon as ",
                            html.Code(module),
                            " is part of the installed reechain.",
                        ]
                    ),
                ],
                className="card notice",
                role="status",
            ),
        ]
    )


def table(
    table_id: str,
    records: list[dict[str, Any]],
    columns: list[str] | tuple[str, ...] | None = None,
    *,
    caption: str | None = None,
    export: bool = True,
) -> html.Div:
    """Return a plain, accessible HTML table of ``records`` (scrolls sideways when wide).

    Numbers are formatted by their column (:func:`fmt_cell`) and align right; with
    ``export``, a button under the table downloads its rows as CSV with the raw numbers.
    """
    cols = list(columns) if columns is not None else list(records[0]) if records else []
    head = html.Thead(html.Tr([html.Th(heading(c), scope="col") for c in cols]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(
                        _cell(c, r.get(c)),
                        className=f"col-{c}" + (" num" if is_number(r.get(c)) else ""),
                    )
                    for c in cols
                ]
            )
            for r in records
        ]
    )
    parts: list[Any] = [html.Caption(caption)] if caption else []
    label = caption or table_id.replace("-", " ")
    shown: list[Any] = [
        html.Div(
            html.Table([*parts, head, body], id=table_id, className="table"),
            className="table-wrap",
            tabIndex="0",
            role="region",
            **aria(label=label),
        )
    ]
    if export and records:
        rows = {"columns": cols, "records": [{c: plain(r.get(c)) for c in cols} for r in records]}
        shown.append(
            html.Div(
                [
                    html.Button(
                        "Download table (CSV)",
                        id={"type": "table-csv", "table": table_id},
                        type="button",
                        className="link export",
                        title=f"{label}: every row as CSV",
                    ),
                    dcc.Store(id={"type": "table-rows", "table": table_id}, data=rows),
                    dcc.Download(id={"type": "table-csv-file", "table": table_id}),
                ],
                className="exports",
            )
        )
    return html.Div(shown, className="table-block")


def _cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    text = fmt_cell(column, value)
    if text.startswith(("http://", "https://")):
        return html.A(text, href=text, target="_blank", rel="noopener noreferrer")
    return text


def download(payload: bytes | str, filename: str) -> dict[str, Any]:
    """Return what a dcc.Download sends to the browser: ``payload`` as file ``filename``."""
    data = payload.encode() if isinstance(payload, str) else payload
    return {
        "content": base64.b64encode(data).decode(),
        "filename": filename,
        "base64": True,
        "type": None,
    }


def number(
    control_id: str,
    value: float | None,
    *,
    low: float | None = None,
    high: float | None = None,
    step: float | str = 1,
) -> dcc.Input:
    """Return a number box (value sent on Enter or when focus leaves it)."""
    return dcc.Input(
        id=control_id,
        type="number",
        value=value,
        min=low,
        max=high,
        step=step,
        debounce=True,
    )
