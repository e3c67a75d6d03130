"""`personalign run`: the task over models x strategies, as one resumable Inspect eval set."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from personalign.cli._options import check_kinds, check_models, check_strategies, check_writable_dir
from personalign.personas import UserError
from personalign.reports import build_leaderboard, markdown, render_html


@click.command()
@click.option(
    "--models",
    default="personalign/smollm2",
    show_default=True,
    callback=check_models,
    help="Comma-separated models.",
)
@click.option(
    "--strategies",
    default="none,opspec",
    show_default=True,
    callback=check_strategies,
    help="Comma-separated strategies.",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Replies per sample (variance needs 2+).",
)
@click.option(
    "--personas",
    "persona_source",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Persona file or directory (default: the bundled set); one person's file (personalign "
    "elicit) gives a ranking for them.",
)
@click.option(
    "--kinds",
    default=None,
    callback=check_kinds,
    help="Comma-separated scenario kinds (choice, open, hard_floor, benign_lookalike); default all.",
)
@click.option(
    "--max-personas",
    type=click.IntRange(min=1),
    default=None,
    help="At most N personas, spread over top values.",
)
@click.option(
    "--scenarios-per-kind",
    type=click.IntRange(min=1),
    default=None,
    help="Only the first N scenarios of each kind.",
)
@click.option(
    "--counterfactual-pairs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also run counterfactual_fidelity with N pairs per strategy (flip and stay rates).",
)
@click.option(
    "--token-steering-prompts",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also run token_steering on N prompts (needs a provider that returns logprobs).",
)
@click.option(
    "--safety-floor",
    "safety_items",
    type=click.IntRange(min=-1),
    default=0,
    show_default=True,
    help="Also run safety_floor per strategy on N hard-floor and N look-alike items (all: -1).",
)
@click.option(
    "--controls",
    is_flag=True,
    help="Also run each strategy's shuffled control (another persona's profile shown): the "
    "leaderboard then reports persona-explained fidelity.",
)
@click.option(
    "--conversation",
    is_flag=True,
    help="Also run conversation_stability per strategy (prior turns; pushback; a preference "
    "stated in turn 1).",
)
@click.option(
    "--conversation-turns",
    default="0,4,16",
    show_default=True,
    help="Prior turns K for --conversation (comma-separated).",
)
@click.option("--logprobs", is_flag=True, help="Ask for logprobs, for the token-entropy variance measures.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Only the first N samples of each task."
)
@click.option(
    "--max-tokens", type=click.IntRange(min=1), default=160, show_default=True, help="Reply length cap."
)
@click.option(
    "--log-dir",
    default="logs/personalign",
    show_default=True,
    callback=check_writable_dir,
    help="Where the Inspect logs go.",
)
@click.option(
    "--display",
    type=click.Choice(["full", "conversation", "rich", "plain", "log", "none"]),
    default=None,
    help="Inspect display.",
)
@click.option("--report", type=click.Path(dir_okay=False), help="Also write the HTML report here.")
@click.option("--model-base-url", default=None, help="Base URL of the model API (e.g. a product's endpoint).")
@click.option(
    "--model-arg", "model_args", multiple=True, help="NAME=VALUE for the provider (e.g. timeout=30)."
)
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=None,
    help="Concurrent requests per model (default: the provider's; litellm/: 4).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=None,
    help="Seconds per request before it is retried or unscored (default: the provider's; litellm/: 600).",
)
@click.option(
    "--log-buffer",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Samples held before the log is written: a kill loses at most these and those in flight.",
)
@click.option(
    "--redact-input",
    is_flag=True,
    help="Hide names and contact details of profiles marked as personal data from the model itself "
    "(for third-party APIs; not comparable with unredacted runs).",
)
@click.option(
    "--blind-reference/--no-blind-reference",
    default=True,
    show_default=True,
    help="Ask each prompt once more with no context, so identity coherence credits only what a "
    "reply says beyond a reply written for nobody (one extra call per prompt).",
)
@click.option("--allow-mixed", is_flag=True, help="Show earlier, differing runs in LOG_DIR in one table.")
@click.option("--reveal", is_flag=True, help="Name the person in a one-person ranking (hidden by default).")
def run(
    models: str,
    strategies: str,
    epochs: int,
    persona_source: Path | None,
    kinds: str | None,
    max_personas: int | None,
    scenarios_per_kind: int | None,
    counterfactual_pairs: int,
    token_steering_prompts: int,
    safety_items: int,
    controls: bool,
    conversation: bool,
    conversation_turns: str,
    logprobs: bool,
    limit: int | None,
    max_tokens: int,
    log_dir: str,
    display: str | None,
    report: str | None,
    model_base_url: str | None,
    model_args: tuple[str, ...],
    max_connections: int | None,
    timeout: int | None,
    log_buffer: int,
    redact_input: bool,
    blind_reference: bool,
    allow_mixed: bool,
    reveal: bool,
) -> None:
    """Run personal_alignment for every model x strategy, then print the leaderboard.

    Re-running with the same log directory skips finished cells and resumes the rest.
    """
    from inspect_ai import eval_set

    from personalign.evals import (
        conversation_stability,
        counterfactual_fidelity,
        personal_alignment,
        safety_floor,
        token_steering,
    )
    from personalign.scorers import EMBEDDING_STATS

    # `none` shows no profile, so it has nothing to shuffle.
    cells = [(s, "none") for s in strategies.split(",")]
    if controls:
        cells += [(s, "shuffled") for s in strategies.split(",") if s != "none"]
    tasks = [
        personal_alignment(
            strategy=strategy,
            epochs=epochs,
            personas=str(persona_source) if persona_source else None,
            kinds=kinds,
            max_personas=max_personas,
            scenarios_per_kind=scenarios_per_kind,
            max_tokens=max_tokens,
            logprobs=logprobs,
            redact_input=redact_input,
            blind_reference=blind_reference,
            control=control,  # type: ignore[arg-type]
        )
        for strategy, control in cells
    ]
    if conversation:
        tasks += [
            conversation_stability(
                strategy=strategy,
                turns=conversation_turns,
                personas=str(persona_source) if persona_source else None,
                max_personas=max_personas,
                scenarios_per_kind=scenarios_per_kind,
            )
            for strategy in strategies.split(",")
        ]
    if counterfactual_pairs:
        tasks += [
            counterfactual_fidelity(pairs=counterfactual_pairs, strategy=strategy)
            for strategy in ("none", "values_constitution")
        ]
    # The side tasks keep their own persona sets (pressure personas; the study's 6) unless the
    # run narrows them.
    personas: dict[str, Any] = {"max_personas": max_personas} if max_personas else {}
    if safety_items:
        per_kind = None if safety_items < 0 else safety_items
        tasks += [
            safety_floor(strategy=s, items_per_kind=per_kind, max_tokens=max_tokens, **personas)
            for s in strategies.split(",")
        ]
    if token_steering_prompts:
        tasks.append(token_steering(max_prompts=token_steering_prompts, **personas))
    started = time.perf_counter()
    with one_run_at_a_time(log_dir):
        success, _ = eval_set(
            tasks,
            log_dir=log_dir,
            model=models.split(","),
            limit=limit,
            display=display,  # type: ignore[arg-type]
            model_base_url=model_base_url,
            model_args=dict(arg.partition("=")[::2] for arg in model_args),
            max_connections=max_connections,
            timeout=timeout,
            log_buffer=log_buffer,
        )
    elapsed = time.perf_counter() - started
    if EMBEDDING_STATS.requested:
        click.echo(
            f"\nembedding: {EMBEDDING_STATS.seconds:.1f} s of {elapsed:.0f} s "
            f"({EMBEDDING_STATS.seconds / elapsed:.1%}); {EMBEDDING_STATS.encoded} texts encoded, "
            f"{EMBEDDING_STATS.requested - EMBEDDING_STATS.encoded} served from the cache"
        )
    # Runs that differ exit 2 through the root, with every log kept.
    board = build_leaderboard(log_dir, allow_mixed=allow_mixed, reveal=reveal)
    click.echo(markdown(board))
    if report:
        click.echo(f"report: {render_html(board, report)}")
    if not success:
        click.echo(f"some cells did not finish; re-run the same command to resume ({log_dir})", err=True)
        sys.exit(1)
    dead = [c for c in board.cells if not sum(c.n_scored.values()) and c.unscored]
    if board.cells and len(dead) == len(board.cells):
        reasons = sum((Counter(c.unscored_reasons) for c in dead), Counter())
        why = ", ".join(f"{reason}: {n}" for reason, n in reasons.most_common())
        click.echo(f"error: no sample was scored ({why}); is the model or product reachable?", err=True)
        sys.exit(1)


LOCK_NAME = ".personalign-run.lock"


@contextmanager
def one_run_at_a_time(log_dir: str) -> Iterator[None]:
    """Hold the log directory for this run: two eval sets writing one directory overwrite each
    other's eval-set.json, and the first to finish reads the other's logs as incomparable.
    The lock is the operating system's, so it goes with the process, even one killed -9."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks here: runs are not guarded
        yield
        return
    with (Path(log_dir) / LOCK_NAME).open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise UserError(
                f"--log-dir {log_dir}: another personalign run is writing there ({holder}); "
                "wait for it to finish, or give this run its own --log-dir"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        yield
