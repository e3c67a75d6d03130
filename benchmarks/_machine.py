"""The CPU's name, for the machine line every benchmark prints with its figures."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_name() -> str:
    """The model name from /proc/cpuinfo where there is one, else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
