"""The REST API (FastAPI): datasets, scenarios, runs; served by ``reechain serve``."""

from reechain.api.app import create_app

__all__ = ["create_app"]
