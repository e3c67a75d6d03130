"""Reading logs fast: the parts of each log a leaderboard needs, as plain JSON.

An Inspect .eval log is a zip archive (Inspect's documented format) whose header.json,
summaries.json and reductions.json members hold the run's header, one summary per
sample-epoch and the per-sample epoch reductions. Parsing those three members as plain JSON
(with pydantic's fast parser) skips the validation Inspect's readers run on every summary,
over half of `samples_df`'s time (benchmarks/leaderboard_bench.py measures both). Logs in
another format, or .eval logs without those members (a run still in progress), are read
through Inspect's own API into the same shapes.

A log directory is a local folder or an fsspec URL (`s3://bucket/prefix`): Inspect lists and
writes both, and every read here goes through Inspect's own file helpers for a URL.
"""

from __future__ import annotations

import re
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic_core import from_json

from personalign.personas import UserError

if sys.version_info < (3, 14):
    import zipfile_zstd  # noqa: F401  (Inspect's own dependency: zstd members in zipfile)


class NoLogsError(UserError, FileNotFoundError):
    """The log directory is missing or holds no log that the report or gate needs."""


class UnreadableLogError(NoLogsError):
    """A file in the log directory is not a readable Inspect log (corrupt, truncated, foreign)."""


# What a corrupt, truncated or foreign file raises while it is parsed: a missing zip member
# (KeyError), a bad archive, invalid JSON or a header Inspect's schema rejects (ValueError).
_READ_ERRORS = (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile)


# `s3://bucket/prefix`, `gs://...`, `file:///...`: a location fsspec resolves, not a local path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(location: str | Path) -> bool:
    """Whether `location` is an fsspec URL (s3://, gs://, file://, ...) rather than a local path."""
    return isinstance(location, str) and _URL.match(location) is not None


def join_location(folder: str | Path, name: str) -> str | Path:
    """`name` inside `folder`: a Path for a local folder, a URL for a URL (pathlib would turn
    `s3://b/p` into `s3:/b/p`)."""
    if is_url(folder):
        return f"{str(folder).rstrip('/')}/{name}"
    return Path(folder) / name


def log_dir_exists(log_dir: str | Path, where: str) -> bool:
    """Whether the log directory is there: a local folder, or a URL with objects under it (a
    prefix on object storage exists once something is written there). Raises NoLogsError,
    naming `where`, when the storage cannot be asked (no credentials, no such endpoint)."""
    if not is_url(log_dir):
        return Path(log_dir).is_dir()
    from inspect_ai._util.file import filesystem

    try:
        return filesystem(str(log_dir)).exists(str(log_dir))
    except Exception as err:  # s3fs, botocore and friends raise their own kinds
        raise NoLogsError(f"{where}: cannot be read ({type(err).__name__}: {_first_line(err)})") from None


def log_files(log_dir: str | Path) -> list[str]:
    """Every Inspect log under `log_dir` (.eval and .json), as Inspect lists them."""
    from inspect_ai.log import list_eval_logs

    return [info.name.removeprefix("file://") for info in list_eval_logs(str(log_dir), recursive=True)]


def read_header(path: str) -> dict[str, Any]:
    """The log's header (eval spec, status, results), without its samples. Raises
    UnreadableLogError, naming the file, when it is not a readable Inspect log."""
    try:
        header = _read_header(path)
    except _READ_ERRORS as err:
        raise UnreadableLogError(f"cannot read log {path}: {_first_line(err)}") from None
    # The fast path parses without validating: check the fields every report reads.
    spec = header.get("eval") if isinstance(header, dict) else None
    if not isinstance(spec, dict) or "task" not in spec:
        raise UnreadableLogError(f"cannot read log {path}: its header has no eval spec")
    return header


@contextmanager
def _archive(path: str) -> Iterator[zipfile.ZipFile]:
    """The .eval log at `path` as a zip archive; a URL is opened through Inspect's file
    helpers (fsspec), which read the members it asks for by range."""
    if not is_url(path):
        with zipfile.ZipFile(path) as archive:
            yield archive
        return
    from inspect_ai._util.file import file

    with file(path, "rb") as stream, zipfile.ZipFile(stream) as archive:
        yield archive


def _read_header(path: str) -> Any:
    if path.endswith(".eval"):
        with _archive(path) as archive:
            if "header.json" in archive.namelist():
                return from_json(archive.read("header.json"))
    from inspect_ai.log import read_eval_log

    return read_eval_log(path, header_only=True).model_dump(mode="json")


def read_samples(path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The log's sample-epoch summaries and its per-sample epoch reductions. Raises
    UnreadableLogError, naming the file, when they cannot be read."""
    try:
        return _read_samples(path)
    except _READ_ERRORS as err:
        raise UnreadableLogError(f"cannot read the samples of log {path}: {_first_line(err)}") from None


def _first_line(err: BaseException) -> str:
    if isinstance(err, KeyError):
        return f"missing {err}"  # a zip member or field the format requires
    # pydantic's messages run to many lines; the first names the problem.
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _read_samples(path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if path.endswith(".eval"):
        with _archive(path) as archive:
            if {"summaries.json", "reductions.json"} <= set(archive.namelist()):
                return from_json(archive.read("summaries.json")), from_json(archive.read("reductions.json"))
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    summaries = [s.model_dump(mode="json") for s in read_eval_log_sample_summaries(path)]
    return summaries, [r.model_dump(mode="json") for r in read_eval_log(path).reductions or []]
