"""Leaderboards, reports and the CI gate, read from Inspect logs."""

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
