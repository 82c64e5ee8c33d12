"""The installed toolkit's version, as outputs record it (TMX headers, metrics.json)."""

from __future__ import annotations

from importlib import metadata


def toolkit_version() -> str:
    """The version of the installed `mtk` package, or "0" when it runs from a checkout that was never installed."""
    try:
        return metadata.version("mtk")
    except metadata.PackageNotFoundError:
        return "0"
