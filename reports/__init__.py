"""Leaderboards and reports, read from Inspect logs."""

from ._leaderboard import leaderboard_frame, leaderboard_table

__all__ = ["leaderboard_frame", "leaderboard_table"]
