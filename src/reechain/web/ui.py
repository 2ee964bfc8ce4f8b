"""Small layout helpers: every control gets a visible label tied to it."""

from __future__ import annotations

import base64
from typing import Any

from dash import dcc, html

from reechain.web.figures import GRAPH_CONFIG


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
    """Return a graph with the dashboard's config (offline topojson), in a labelled group."""
    return html.Div(
        dcc.Graph(
            id=graph_id,
            figure=figure if figure is not None else {},
            config=GRAPH_CONFIG,  # type: ignore[arg-type]  # Dash's Config type lacks topojsonURL
            className="graph",
        ),
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
) -> html.Div:
    """Return a plain, accessible HTML table of ``records`` (scrolls sideways when wide)."""
    cols = list(columns) if columns is not None else list(records[0]) if records else []
    head = html.Thead(html.Tr([html.Th(c.replace("_", " "), scope="col") for c in cols]))
    body = html.Tbody(
        [html.Tr([html.Td(_cell(r.get(c)), className=f"col-{c}") for c in cols]) for r in records]
    )
    parts: list[Any] = [html.Caption(caption)] if caption else []
    return html.Div(
        html.Table([*parts, head, body], id=table_id, className="table"),
        className="table-wrap",
        tabIndex="0",
        role="region",
        **aria(label=caption or table_id.replace("-", " ")),
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    text = str(getattr(value, "value", value))
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
