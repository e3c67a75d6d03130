"""Money per cell from litellm's bundled price table, without importing litellm."""

from __future__ import annotations

import subprocess
import sys

import pytest

from personalign.reports._cost import cost, price


def test_known_models_are_priced_and_unknown_ones_are_not() -> None:
    per_token = price("openai/gpt-4o")
    assert per_token is not None and 0 < per_token[0] < per_token[1] < 1e-3
    assert cost("openai/gpt-4o", 1_000_000, 0) == pytest.approx(per_token[0] * 1_000_000)
    assert price("personalign/smollm2") is None and cost("personalign/smollm2", 10, 10) is None


def test_pricing_does_not_import_litellm() -> None:
    # Importing litellm fetches a remote price table; the reports must stay off that path.
    code = (
        "import sys; from reports._cost import price; price('openai/gpt-4o'); print('litellm' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
