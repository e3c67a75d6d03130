"""Money per cell from litellm's bundled price table, read as a file: importing litellm would
fetch a remote table at import time (and is kept off the import path of users who don't need it)."""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

PRICE_FILE = "model_prices_and_context_window_backup.json"


@cache
def price_table() -> dict[str, dict[str, Any]]:
    """litellm's local price table, or {} when litellm is not installed."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / PRICE_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def price(model: str) -> tuple[float, float] | None:
    """(input, output) US dollars per token for an Inspect model name, or None if unknown.

    Inspect names a model provider/name ("openai/gpt-4o"); litellm's table keys most models
    by bare name, some by provider/name.
    """
    table = price_table()
    name = model.partition("/")[2]
    for key in (model, name, name.rsplit("/", 1)[-1]):
        entry = table.get(key) if key else None
        if entry and "input_cost_per_token" in entry and "output_cost_per_token" in entry:
            return float(entry["input_cost_per_token"]), float(entry["output_cost_per_token"])
    return None


def cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """US dollars for the tokens a cell used, or None when the price table lacks the model."""
    per_token = price(model)
    if per_token is None:
        return None
    return input_tokens * per_token[0] + output_tokens * per_token[1]
