"""The dashboard: Dash + Plotly pages served by ``reechain serve`` beside the REST API.

:func:`mount_dashboard` adds the dashboard to the API app (same process, same store, same
auth); each page calls :mod:`reechain.workflows` and the public Python API only. Dash is
imported only when the dashboard is mounted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["mount_dashboard"]


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at ``/`` of the API app (once; ``create_app`` already does when
    Dash is installed); see :func:`reechain.web.app.mount_dashboard`."""
    if getattr(app.state, "dashboard_mounted", False):
        return
    from reechain.web.app import mount_dashboard as mount

    mount(app)
    app.state.dashboard_mounted = True
