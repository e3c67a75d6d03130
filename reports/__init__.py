"""Leaderboards and reports, read from Inspect logs."""

from ._document import Leaderboard, build_leaderboard
from ._fingerprint import IncomparableRunsError
from ._leaderboard import board_frame, leaderboard_frame, leaderboard_table, markdown

__all__ = [
    "IncomparableRunsError",
    "Leaderboard",
    "board_frame",
    "build_leaderboard",
    "leaderboard_frame",
    "leaderboard_table",
    "markdown",
]
