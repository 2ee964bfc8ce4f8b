"""The dashboard's pages, in navigation order: each a module with a :data:`PAGE`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash

from reechain.store import User


@dataclass(frozen=True)
class Page:
    """One page: where it lives, its title, its layout for a user, and its callbacks."""

    NAME: str
    PATH: str
    TITLE: str
    layout: Callable[[User | None], Any]
    register: Callable[[dash.Dash], None]


def _pages() -> list[Page]:
    from reechain.web.pages import chain, data, outlook, overview, partnership, risk, scenario

    return [
        overview.PAGE,
        chain.PAGE,
        scenario.PAGE,
        risk.PAGE,
        partnership.PAGE,
        data.PAGE,
        outlook.PAGE,
    ]


PAGES: list[Page] = []


def all_pages() -> list[Page]:
    """Return every page, in navigation order."""
    if not PAGES:
        PAGES.extend(_pages())
    return PAGES


def page_for(pathname: str) -> Page | None:
    """Return the page at ``pathname`` (trailing slash ignored), or None."""
    path = pathname.rstrip("/") or "/"
    return next((p for p in all_pages() if path == p.PATH), None)
