"""The country focus: one region (or group) chosen in the page header, used by every page.

The selector lives in the header, so it holds while moving between pages; it is kept for
the browser session (a reload keeps it) and can be set by a link: ``/risk?region=USA``.
Pages read it as ``Input(FOCUS, "value")``. The default is Japan, the country the bundled
briefings are written for, when the dataset has it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import dash
from dash import Input, Output, State, dcc

from reechain.chain import Chain
from reechain.web.ui import field

FOCUS = "focus-region"
"""The id of the header's country selector."""
DEFAULT_FOCUS = "JPN"


def options(chain: Chain) -> list[dict[str, str]]:
    """Return the regions (``JPN — Japan``) and groups (``g7 (group: USA, JPN, …)``)."""
    found = [
        {"label": f"{name} ({code})", "value": code}
        for code, name, kind in zip(
            chain.regions, chain.region_names, chain.region_kinds, strict=True
        )
        if kind != "aggregate"
    ]
    found.sort(key=lambda o: o["label"])
    found += [
        {"label": f"{g} (group: {', '.join(members)})", "value": g}
        for g, members in chain.groups.items()
    ]
    return found


def default_focus(chain: Chain) -> str:
    """Return the region the dashboard opens on: Japan when the chain has it."""
    return DEFAULT_FOCUS if DEFAULT_FOCUS in chain.regions else chain.regions[0]


def control(chain: Chain) -> Any:
    """Return the header's labelled country selector (kept for the browser session)."""
    return field(
        "Country focus",
        dcc.Dropdown(
            id=FOCUS,
            options=options(chain),
            value=default_focus(chain),
            clearable=False,
            className="dropdown focus",
            persistence=True,
            persistence_type="session",
        ),
    )


def members(chain: Chain, focus: str | None) -> tuple[str, ...]:
    """Return the regions ``focus`` stands for (a group's members; () when unknown)."""
    if focus in chain.groups:
        return tuple(chain.groups[str(focus)])
    return (str(focus),) if focus in chain.regions else ()


def valid(chain: Chain, focus: str | None) -> str:
    """Return ``focus`` when the chain knows it, else the default region."""
    return str(focus) if focus in chain.regions or focus in chain.groups else default_focus(chain)


def register(app: dash.Dash) -> None:
    """Let a link set the focus: ``?region=USA`` in the address."""

    @app.callback(
        Output(FOCUS, "value"),
        Input("url", "search"),
        State(FOCUS, "options"),
        State(FOCUS, "value"),
    )
    def _from_address(search: str | None, choices: list[dict[str, str]], now: str) -> str:
        wanted = parse_qs((search or "").lstrip("?")).get("region", [])
        known = {o["value"] for o in choices or []}
        if not wanted or wanted[0] not in known or wanted[0] == now:
            raise dash.exceptions.PreventUpdate
        return wanted[0]
