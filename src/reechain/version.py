"""The installed reechain version, in a module of its own so any layer may read it."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("reechain")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
