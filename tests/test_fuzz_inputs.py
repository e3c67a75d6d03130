"""Property-based fuzzing of every importer and loader: whatever bytes a file holds, the only
exception that may escape is the suite's user error (which the CLI prints as one line and
exit 2). Inputs are arbitrary bytes, arbitrary text, and near misses of each format (the
format's own markers and keys around arbitrary values), where the parsers are most likely
to trip.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import string
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalign.evals import load_scenarios
from personalign.personas import UserError, import_profiles, load_persona, load_personas
from personalign.personas._import_prism import load_prism_rows
from personalign.reports import load_baseline
from personalign.scorers import load_labelled

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no example database written into the checkout
)


def hashed_embedding(texts: list[str]) -> np.ndarray:
    """A stand-in embedding (a hash per text), for fuzzing error paths quickly; the values
    inferred from it mean nothing, and no test here reads them."""
    rows = [
        np.frombuffer(hashlib.sha256(t.encode("utf-8", "replace")).digest(), dtype=np.uint8) for t in texts
    ]
    matrix = np.array(rows, dtype=float).reshape(len(texts), 32) + 1.0
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


# Values that break naive parsers: wrong types, nesting, odd strings.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
VCP_KEYS = [
    "vcp_version",
    "profile_id",
    "public_profile",
    "constraints",
    "portable_preferences",
    "availability",
]
PRISM_KEYS = ["user_id", "self_description", "system_string", "stated_prefs", "location", "age"]
CI_KEYS = ["about_user_message", "about_model_message"]


def _near(keys: list[str]) -> st.SearchStrategy[bytes]:
    """A JSON object with some of the format's own keys, holding arbitrary values."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), json_values, max_size=6).map(
        lambda d: json.dumps(d).encode()
    )


def _required(required: dict[str, st.SearchStrategy[Any]], keys: list[str]) -> st.SearchStrategy[bytes]:
    """An object with the format's required keys (so the importer gets past its first check)
    and others of its keys, each holding arbitrary values."""
    return st.fixed_dictionaries(required, optional={k: json_values for k in keys if k not in required}).map(
        lambda d: json.dumps(d).encode()
    )


PUBLIC = ["display_name", "goal", "role", "experience", "motivation", "pace"]
vcp_deep = _required(
    {
        "profile_id": st.text(min_size=1, max_size=12) | json_values,
        "public_profile": st.dictionaries(st.sampled_from(PUBLIC) | st.text(max_size=6), json_values),
    },
    VCP_KEYS,
)
prism_deep = _required({"user_id": st.text(min_size=1, max_size=12)}, PRISM_KEYS)
ci_deep = _required({"about_user_message": json_values | st.text()}, CI_KEYS)

markdown = st.lists(
    st.sampled_from(["## Core Truths", "## Boundaries", "## Vibe", "- **Name:**", "- Name:", "Never ", "---"])
    | st.text(string.printable, max_size=40),
    max_size=8,
).map(lambda parts: "\n".join(parts).encode())
hearth = st.lists(
    st.sampled_from(
        ["[HEARTH OPERATING SPECIFICATION]", "[END OPERATING SPECIFICATION]", "WHO YOU'RE WORKING WITH:",
         "COMMUNICATION:", "[MEMORY]", "[/MEMORY]", "[AFFECT COMPLEMENT]", "Never "]
    )
    | st.text(max_size=40),
    max_size=8,
).map(lambda parts: "\n".join(parts).encode())  # fmt: skip
anything = st.binary(max_size=300) | st.text(max_size=300).map(str.encode)
yaml_like = st.text(string.printable, max_size=200).map(str.encode) | json_values.map(
    lambda v: json.dumps(v).encode()
)


def _check(content: bytes, suffix: str, read: Callable[[Path], Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        with contextlib.suppress(UserError):  # the one exception a user may see, as one line
            read(path)


@pytest.mark.parametrize(
    ("fmt", "suffix", "near"),
    [
        ("hearth", ".txt", hearth),
        ("custom_instructions", ".json", _near(CI_KEYS) | ci_deep),
        ("custom_instructions", ".txt", hearth),
        ("openclaw", ".md", markdown),
        ("vcp", ".json", _near(VCP_KEYS) | vcp_deep),
        ("prism", ".jsonl", _near(PRISM_KEYS) | prism_deep),
    ],
)
def test_importers_raise_only_user_errors(fmt: str, suffix: str, near: st.SearchStrategy[bytes]) -> None:
    @FUZZ
    @given(content=anything | near)
    def fuzz(content: bytes) -> None:
        _check(content, suffix, lambda path: import_profiles(fmt, path, hashed_embedding))  # type: ignore[arg-type]

    fuzz()


@pytest.mark.parametrize(
    ("name", "suffix", "read"),
    [
        ("persona", ".yaml", load_persona),
        ("persona folder", ".yaml", lambda p: load_personas(p.parent)),
        ("scenarios", ".yaml", load_scenarios),
        ("labelled replies", ".yaml", load_labelled),
        ("baseline", ".json", load_baseline),
        ("prism rows", ".jsonl", load_prism_rows),
    ],
)
def test_loaders_raise_only_user_errors(name: str, suffix: str, read: Callable[[Path], Any]) -> None:
    @FUZZ
    @given(content=anything | yaml_like)
    def fuzz(content: bytes) -> None:
        _check(content, suffix, read)

    fuzz()
