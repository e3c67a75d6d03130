"""Leaderboards, reports and the CI gate, read from Inspect logs.

Names are imported from their submodules when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from personalign.personas._lazy import lazy_exports

if TYPE_CHECKING:
    from personalign.reports._document import Leaderboard, build_leaderboard
    from personalign.reports._fingerprint import IncomparableRunsError
    from personalign.reports._gate import (
        DIRECTION,
        Baseline,
        BaselineError,
        Run,
        Verdict,
        error_verdict,
        gate,
        gate_markdown,
        load_baseline,
        make_baseline,
        merge_baselines,
        read_run,
        write_baseline,
    )
    from personalign.reports._html import render_html
    from personalign.reports._leaderboard import board_frame, leaderboard_frame, leaderboard_table, markdown
    from personalign.reports._logread import NoLogsError
    from personalign.reports._stats import BOOTSTRAP_SEED

# Each public name and the submodule that defines it, imported on first use (PEP 562): the
# `personalign` command starts without loading what its other commands need.
_EXPORTS = {
    "Leaderboard": "_document",
    "build_leaderboard": "_document",
    "IncomparableRunsError": "_fingerprint",
    "DIRECTION": "_gate",
    "Baseline": "_gate",
    "BaselineError": "_gate",
    "Run": "_gate",
    "Verdict": "_gate",
    "error_verdict": "_gate",
    "gate": "_gate",
    "gate_markdown": "_gate",
    "load_baseline": "_gate",
    "make_baseline": "_gate",
    "merge_baselines": "_gate",
    "read_run": "_gate",
    "write_baseline": "_gate",
    "render_html": "_html",
    "board_frame": "_leaderboard",
    "leaderboard_frame": "_leaderboard",
    "leaderboard_table": "_leaderboard",
    "markdown": "_leaderboard",
    "NoLogsError": "_logread",
    "BOOTSTRAP_SEED": "_stats",
}

__all__ = [
    "BOOTSTRAP_SEED",
    "DIRECTION",
    "Baseline",
    "BaselineError",
    "IncomparableRunsError",
    "Leaderboard",
    "NoLogsError",
    "Run",
    "Verdict",
    "board_frame",
    "build_leaderboard",
    "error_verdict",
    "gate",
    "gate_markdown",
    "leaderboard_frame",
    "leaderboard_table",
    "load_baseline",
    "make_baseline",
    "markdown",
    "merge_baselines",
    "read_run",
    "render_html",
    "write_baseline",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
