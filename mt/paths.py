"""Where models and caches live: the user's data and cache directories, overridable with MTK_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """Root of downloaded models: $MTK_HOME, else the platform's user data directory."""
    env = os.environ.get("MTK_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("mtk"))


def models_dir() -> Path:
    """Directory holding one sub-directory per pulled model."""
    return home() / "models"


def cache_dir() -> Path:
    """Directory of the translation and embedding caches: $MTK_HOME/cache or the user cache directory."""
    env = os.environ.get("MTK_HOME")
    return Path(env).expanduser() / "cache" if env else Path(platformdirs.user_cache_dir("mtk"))
