"""Supply-chain care: litellm's malicious releases are excluded, and CI installs only files
whose hashes the lock file records."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
MALICIOUS_LITELLM = ("1.82.7", "1.82.8")


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_litellm_requirement_excludes_the_malicious_releases() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    [litellm] = [Requirement(r) for r in project["dependencies"] if r.startswith("litellm")]
    assert not any(litellm.specifier.contains(bad) for bad in MALICIOUS_LITELLM)
    assert litellm.specifier.contains(_pins(REPO / "requirements.lock")["litellm"])


def test_lock_pins_every_constraint_with_a_hash() -> None:
    lock = (REPO / "requirements.lock").read_text()
    entries = re.findall(r"^(\S+)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\\n)?)+)", lock, re.M)
    assert len(entries) == len(_pins(REPO / "requirements.lock")) > 100
    locked = _pins(REPO / "requirements.lock")
    for name, version in _pins(REPO / "constraints.txt").items():
        assert name in locked, f"{name} is constrained but not locked: run .ci/lock"
        assert Version(locked[name]).public == Version(version).public, f"{name}: run .ci/lock"
    assert locked["litellm"] not in MALICIOUS_LITELLM


def test_ci_installs_from_the_lock_with_hashes_required() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "--require-hashes" in ci and "requirements.lock" in ci
