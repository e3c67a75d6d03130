"""Keep Inspect's and Hugging Face's state out of the user's home, and offline."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_STATE = Path(tempfile.mkdtemp(prefix="personalign-tests-"))
os.environ["XDG_DATA_HOME"] = str(_STATE / "data")
os.environ.setdefault("XDG_CACHE_HOME", str(_STATE / "cache"))
os.environ["INSPECT_LOG_DIR"] = str(_STATE / "logs")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("INSPECT_DISPLAY", "none")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    return REPO
