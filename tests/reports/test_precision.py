"""A reduced-precision run is its own model row, and its precision is in the fingerprint."""

from __future__ import annotations

import pandas as pd

from personalign.reports._document import _header_row
from personalign.reports._fingerprint import fingerprint


def _header(model_args: dict[str, str]) -> dict[str, object]:
    return {
        "status": "success",
        "eval": {
            "model": "personalign/smollm2",
            "task": "personalign/personal_alignment",
            "model_args": model_args,
        },
    }


def test_bfloat16_is_another_model_row_with_its_precision_recorded() -> None:
    exact = pd.Series(_header_row("a.eval", _header({})))
    reduced = pd.Series(_header_row("b.eval", _header({"dtype": "bfloat16", "batch_size": "4"})))
    assert exact["model"] == "personalign/smollm2"
    assert reduced["model"] == "personalign/smollm2 [bfloat16]"
    assert fingerprint(exact)["precision"] == "default"
    assert fingerprint(reduced)["precision"] == "bfloat16"
    # float32 named explicitly is the exact default: the same row as a run that named nothing
    named = pd.Series(_header_row("c.eval", _header({"dtype": "float32"})))
    assert named["model"] == exact["model"]
