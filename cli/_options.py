"""Checks on option values, made by click before any work starts, so a wrong value costs a
second and one line (exit 2), not a traceback after the model has loaded."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from personalign.personas import UserError


def _strategy_problem(strategy: str) -> str | None:
    """Why `strategy` cannot be used, asked of the strategy library itself (a built-in name,
    or a readable .j2 file), so the CLI and the task refuse the same strategies."""
    from personalign.evals._strategy import strategy_hash

    try:
        strategy_hash(strategy)
    except UserError as err:
        return str(err)
    return None


def check_strategy(ctx: click.Context, param: click.Parameter, value: str) -> str:
    problem = _strategy_problem(value)
    if problem:
        raise click.BadParameter(problem, ctx=ctx, param=param)
    return value


def check_strategies(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A comma-separated list of strategies, each built in or a template file."""
    names = [name.strip() for name in value.split(",")]
    problems = [p for p in (_strategy_problem(n) for n in names if n) if p]
    if problems or not all(names):
        raise click.BadParameter("; ".join(problems) or f"{value!r}: an empty name", ctx=ctx, param=param)
    return ",".join(names)


def _model_apis() -> set[str] | None:
    """The model providers Inspect knows here (its own and every installed package's); None
    when Inspect's registry cannot be read, and then the check is left to Inspect."""
    try:
        import inspect_ai.model._providers.providers  # noqa: F401  (registers Inspect's providers)
        from inspect_ai._util.entrypoints import ensure_entry_points
        from inspect_ai._util.registry import registry_find, registry_unqualified_name
    except ImportError:
        return None
    ensure_entry_points()
    return {registry_unqualified_name(api) for api in registry_find(lambda info: info.type == "modelapi")}


def check_models(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A comma-separated list of PROVIDER/MODEL names whose provider Inspect knows."""
    names = [name.strip() for name in value.split(",")]
    malformed = [n for n in names if "/" not in n or not n.split("/", 1)[1]]
    if malformed:
        raise click.BadParameter(
            f"{', '.join(map(repr, malformed))}: expected PROVIDER/MODEL, like personalign/smollm2",
            ctx=ctx,
            param=param,
        )
    known = _model_apis()
    unknown = sorted({n.split("/", 1)[0] for n in names} - known) if known is not None else []
    if unknown:
        raise click.BadParameter(
            f"unknown model provider {', '.join(map(repr, unknown))}: expected one of "
            f"{', '.join(sorted(known or ()))}",
            ctx=ctx,
            param=param,
        )
    return ",".join(names)


def _url_write_problem(url: str) -> str | None:
    """Why nothing can be written under the fsspec URL `url` (an object written and removed
    through Inspect's own file helpers, as its logs will be), or None."""
    from uuid import uuid4

    from inspect_ai._util.file import file, filesystem

    probe = f"{url.rstrip('/')}/.personalign-write-check-{uuid4().hex}"
    try:
        with file(probe, "wb") as stream:
            stream.write(b"")
        filesystem(probe).rm(probe)
    except Exception as err:  # s3fs, botocore and fsspec raise their own kinds
        lines = str(err).strip().splitlines()
        return f"{type(err).__name__}: {lines[0] if lines else 'no message'}"
    return None


def check_writable_dir(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A folder that exists or can be made, and can be written to; or an fsspec URL
    (s3://bucket/prefix) that can be written to."""
    from personalign.reports._logread import is_url

    if is_url(value):
        problem = _url_write_problem(value)
        if problem:
            raise click.BadParameter(
                f"{value!r}: cannot be written ({problem}); expected a folder you can write to "
                "(for a URL: an existing bucket, and credentials that may write there)",
                ctx=ctx,
                param=param,
            )
        return value
    folder = Path(value)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".personalign-write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise click.BadParameter(
            f"{value!r}: cannot be written ({err.strerror or err}); expected a folder you can write to",
            ctx=ctx,
            param=param,
        ) from None
    return value


def parent_folder_made(path: str | Path, option: str) -> Path:
    """`path`, with its folder made (an output file's folder need not exist yet)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"{option} {path}: its folder cannot be made ({err.strerror or err})") from None
    return target


def check_kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Comma-separated scenario kinds, each one the bank knows."""
    if value is None:
        return None
    from typing import get_args

    from personalign.evals._scenario import ScenarioKind

    names = [name.strip() for name in value.split(",") if name.strip()]
    known = get_args(ScenarioKind)
    wrong = [n for n in names if n not in known]
    if wrong or not names:
        raise click.BadParameter(f"{value!r}: expected some of {', '.join(known)}", ctx=ctx, param=param)
    return ",".join(names)


def check_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """I/N: the I-th of N shares of a run's cells (1-based), as (I, N)."""
    if value is None:
        return None
    import re

    match = re.fullmatch(r"([0-9]+)/([0-9]+)", value.strip())
    if match and 1 <= int(match[1]) <= int(match[2]):
        return int(match[1]), int(match[2])
    raise click.BadParameter(
        f"{value!r}: expected I/N, whole numbers with 1 <= I <= N (this machine's share of N), like 1/3",
        ctx=ctx,
        param=param,
    )
