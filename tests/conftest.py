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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runslow",
        action="store_true",
        help="Also run the slow tests: the real embedded model, large fixtures.",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Inspect's own suite does the same: slow tests are opt-in, CI opts in.
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
