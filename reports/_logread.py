"""Reading logs fast: the parts of each log a leaderboard needs, as plain JSON.

An Inspect .eval log is a zip archive (Inspect's documented format) whose header.json,
summaries.json and reductions.json members hold the run's header, one summary per
sample-epoch and the per-sample epoch reductions. Parsing those three members as plain JSON
(with pydantic's fast parser) skips the validation Inspect's readers run on every summary,
over half of `samples_df`'s time (benchmarks/leaderboard_bench.py measures both). Logs in
another format, or .eval logs without those members (a run still in progress), are read
through Inspect's own API into the same shapes.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

from pydantic_core import from_json

if sys.version_info < (3, 14):
    import zipfile_zstd  # noqa: F401  (Inspect's own dependency: zstd members in zipfile)


def log_files(log_dir: str | Path) -> list[str]:
    """Every Inspect log under `log_dir` (.eval and .json), as Inspect lists them."""
    from inspect_ai.log import list_eval_logs

    return [info.name.removeprefix("file://") for info in list_eval_logs(str(log_dir), recursive=True)]


def read_header(path: str) -> dict[str, Any]:
    """The log's header (eval spec, status, results), without its samples."""
    if path.endswith(".eval"):
        with zipfile.ZipFile(path) as archive:
            if "header.json" in archive.namelist():
                return from_json(archive.read("header.json"))
    from inspect_ai.log import read_eval_log

    return read_eval_log(path, header_only=True).model_dump(mode="json")


def read_samples(path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The log's sample-epoch summaries and its per-sample epoch reductions."""
    if path.endswith(".eval"):
        with zipfile.ZipFile(path) as archive:
            if {"summaries.json", "reductions.json"} <= set(archive.namelist()):
                return from_json(archive.read("summaries.json")), from_json(archive.read("reductions.json"))
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    summaries = [s.model_dump(mode="json") for s in read_eval_log_sample_summaries(path)]
    return summaries, [r.model_dump(mode="json") for r in read_eval_log(path).reductions or []]
