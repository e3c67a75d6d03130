"""`personalign run`: the task over models x strategies, as one resumable Inspect eval set.

A run is a matrix of cells: a cell is one Inspect task run, one task (with its strategy and
control) for one model, which writes one log. `--shard I/N` runs the I-th of N deterministic
shares of the cells, so N machines can run one matrix into one log directory; each share is an
ordinary eval set of its own cells, and the directory (local, or an fsspec URL such as
s3://bucket/prefix) is where they meet.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from personalign.cli._options import (
    check_kinds,
    check_models,
    check_shard,
    check_strategies,
    check_writable_dir,
)
from personalign.personas import UserError

if TYPE_CHECKING:
    from inspect_ai import Task

    from personalign.evals._dataset import Control


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
@click.option(
    "--shard",
    default=None,
    metavar="I/N",
    callback=check_shard,
    help="Run only the I-th of N shares of the cells (1-based), for N machines writing one "
    "--log-dir; give every shard the same options.",
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
    shard: tuple[int, int] | None,
    allow_mixed: bool,
    reveal: bool,
) -> None:
    """Run personal_alignment for every model x strategy, then print the leaderboard.

    Re-running with the same log directory skips finished cells and resumes the rest. With
    --shard I/N, only this machine's share of the cells runs; the leaderboard then shows what
    the directory holds and says which cells are still missing.
    """
    from inspect_ai import eval_set, task_with
    from inspect_ai.model import GenerateConfig, get_model

    from personalign.evals._engine import engine_stats
    from personalign.reports import build_leaderboard, markdown, render_html
    from personalign.scorers import EMBEDDING_STATS

    cells = matrix(
        models.split(","),
        strategies.split(","),
        controls=controls,
        conversation=conversation,
        conversation_turns=conversation_turns,
        counterfactual_pairs=counterfactual_pairs,
        safety_items=safety_items,
        token_steering_prompts=token_steering_prompts,
        epochs=epochs,
        personas=str(persona_source) if persona_source else None,
        kinds=kinds,
        max_personas=max_personas,
        scenarios_per_kind=scenarios_per_kind,
        max_tokens=max_tokens,
        logprobs=logprobs,
        redact_input=redact_input,
        blind_reference=blind_reference,
    )
    mine = shard_cells(cells, shard)
    if shard:
        click.echo(
            f"shard {shard[0]}/{shard[1]}: {len(mine)} of the matrix's {len(cells)} cells"
            + "".join(f"\n- {cell.key}" for cell in mine)
        )
        if not mine:
            click.echo(f"nothing to run: {shard[1]} shards share {len(cells)} cells")
            return
    # Each cell's task is bound to its model, made as eval_set makes the models of --models,
    # so a cell's identity (and its log) is the same in a whole run and in any shard.
    config = GenerateConfig(max_connections=max_connections, timeout=timeout)
    options: dict[str, Any] = dict(arg.partition("=")[::2] for arg in model_args)
    bound = {
        name: get_model(name, base_url=model_base_url, config=config, **options)
        for name in models.split(",")
        if any(cell.model == name for cell in mine)
    }
    tasks = [task_with(cell.make(), model=bound[cell.model]) for cell in mine]
    started = time.perf_counter()
    with one_run_at_a_time(log_dir, shard):
        success, _ = eval_set(
            tasks,
            log_dir=log_dir,
            model=None,  # each task carries its model
            limit=limit,
            display=display,  # type: ignore[arg-type]
            max_connections=max_connections,
            timeout=timeout,
            log_buffer=log_buffer,
            # The other shards' logs share the directory: each shard's eval set looks only at
            # (and resumes, retries and cleans up only) the logs of its own cells.
            log_dir_allow_dirty=shard is not None,
        )
    elapsed = time.perf_counter() - started
    if EMBEDDING_STATS.requested:
        click.echo(
            f"\nembedding: {EMBEDDING_STATS.seconds:.1f} s of {elapsed:.0f} s "
            f"({EMBEDDING_STATS.seconds / elapsed:.1%}); {EMBEDDING_STATS.encoded} texts encoded, "
            f"{EMBEDDING_STATS.requested - EMBEDDING_STATS.encoded} served from the cache"
        )
    generated = engine_stats()
    if generated.requests:
        click.echo(
            f"embedded model: {generated.seconds:.1f} s generating of {elapsed:.0f} s "
            f"({generated.seconds / elapsed:.1%}); {generated.requests} requests, "
            f"{generated.prompt_tokens} prompt tokens ({generated.prefix_tokens_reused} from cached "
            f"prefixes), {generated.generated_tokens} generated"
        )
    # Runs that differ exit 2 through the root, with every log kept.
    board = build_leaderboard(log_dir, allow_mixed=allow_mixed, reveal=reveal)
    if shard:
        click.echo(missing_cells_note(cells, log_dir))
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


@dataclass(frozen=True)
class Cell:
    """One Inspect task run: a task for one model, told apart from the task's other cells by
    `args` (strategy, control). `make` builds the task with the run's shared options."""

    task: str
    model: str
    args: tuple[tuple[str, str], ...]
    make: Callable[[], Task] = field(compare=False, repr=False)

    @property
    def key(self) -> str:
        """The cell's name, stable whatever order the options came in: `task model k=v ...`."""
        return " ".join([self.task, self.model, *(f"{k}={v}" for k, v in self.args)])


def matrix(
    models: Sequence[str],
    strategies: Sequence[str],
    *,
    controls: bool = False,
    conversation: bool = False,
    conversation_turns: str = "0,4,16",
    counterfactual_pairs: int = 0,
    safety_items: int = 0,
    token_steering_prompts: int = 0,
    personas: str | None = None,
    max_personas: int | None = None,
    scenarios_per_kind: int | None = None,
    max_tokens: int = 160,
    **main: Any,
) -> list[Cell]:
    """Every cell of a run: each model x (personal_alignment per strategy, its shuffled
    controls, and the side tasks asked for). `main` holds personal_alignment's other options."""
    from personalign.evals.conversation_stability import conversation_stability
    from personalign.evals.counterfactual_fidelity import counterfactual_fidelity
    from personalign.evals.personal_alignment import personal_alignment
    from personalign.evals.safety_floor import safety_floor
    from personalign.evals.token_steering import token_steering

    specs: list[tuple[str, dict[str, str], Callable[[], Task]]] = []
    # `none` shows no profile, so it has nothing to shuffle.
    mains: list[tuple[str, Control]] = [(s, "none") for s in strategies]
    if controls:
        mains += [(s, "shuffled") for s in strategies if s != "none"]
    specs += [
        (
            "personal_alignment",
            {"strategy": strategy, "control": control},
            partial(
                personal_alignment,
                strategy=strategy,
                personas=personas,
                max_personas=max_personas,
                scenarios_per_kind=scenarios_per_kind,
                max_tokens=max_tokens,
                control=control,
                **main,
            ),
        )
        for strategy, control in mains
    ]
    if conversation:
        specs += [
            (
                "conversation_stability",
                {"strategy": strategy},
                partial(
                    conversation_stability,
                    strategy=strategy,
                    turns=conversation_turns,
                    personas=personas,
                    max_personas=max_personas,
                    scenarios_per_kind=scenarios_per_kind,
                ),
            )
            for strategy in strategies
        ]
    if counterfactual_pairs:
        specs += [
            (
                "counterfactual_fidelity",
                {"strategy": strategy},
                partial(counterfactual_fidelity, pairs=counterfactual_pairs, strategy=strategy),
            )
            for strategy in ("none", "values_constitution")
        ]
    # The side tasks keep their own persona sets (pressure personas; the study's 6) unless the
    # run narrows them.
    narrowed: dict[str, Any] = {"max_personas": max_personas} if max_personas else {}
    if safety_items:
        per_kind = None if safety_items < 0 else safety_items
        specs += [
            (
                "safety_floor",
                {"strategy": s},
                partial(safety_floor, strategy=s, items_per_kind=per_kind, max_tokens=max_tokens, **narrowed),
            )
            for s in strategies
        ]
    if token_steering_prompts:
        specs.append(
            ("token_steering", {}, partial(token_steering, max_prompts=token_steering_prompts, **narrowed))
        )
    return [
        Cell(name, model, tuple(sorted(args.items())), make) for model in models for name, args, make in specs
    ]


def shard_cells(cells: Sequence[Cell], shard: tuple[int, int] | None) -> list[Cell]:
    """Shard I of N's cells (all of them without a shard): the cells sorted by key, and the
    k-th of them (from 0) to shard k mod N + 1. Every cell falls to exactly one shard, the
    shares differ by at most one cell, and the order of --models or --strategies changes
    nothing; every shard must be given the same matrix options."""
    if shard is None:
        return list(cells)
    index, count = shard
    return sorted(cells, key=lambda cell: cell.key)[index - 1 :: count]


def present_cells(cells: Sequence[Cell], log_dir: str) -> list[Cell]:
    """The cells that have a finished log in `log_dir`, whichever shard wrote it (read from
    each log's header: its task, model and task arguments)."""
    from personalign.reports._logread import UnreadableLogError, log_files, read_header

    finished: list[tuple[str, str, dict[str, Any]]] = []
    for path in log_files(log_dir):
        try:
            header = read_header(path)
        except UnreadableLogError:
            continue  # the leaderboard lists it as left out
        if header.get("status") == "success":
            spec = header["eval"]
            task = str(spec.get("task")).rsplit("/", 1)[-1]
            finished.append((task, str(spec.get("model")), spec.get("task_args") or {}))

    def logged(cell: Cell) -> bool:
        return any(
            task == cell.task and model == cell.model and all(str(args.get(k)) == v for k, v in cell.args)
            for task, model, args in finished
        )

    return [cell for cell in cells if logged(cell)]


def missing_cells_note(cells: Sequence[Cell], log_dir: str) -> str:
    """What a shard's leaderboard covers: the matrix's cells with a finished log in `log_dir`,
    and the ones that other shards have yet to write."""
    present = {cell.key for cell in present_cells(cells, log_dir)}
    missing = sorted(cell.key for cell in cells if cell.key not in present)
    if not missing:
        return f"{log_dir} holds all {len(cells)} cells of the matrix.\n"
    return "\n".join(
        [
            f"{log_dir} holds {len(present)} of the matrix's {len(cells)} cells; {len(missing)} are "
            "another shard's or not finished yet, so the tables show only what is there "
            f"(`personalign leaderboard {log_dir}` once every shard has finished). Missing:",
            *(f"- {key}" for key in missing),
            "",
        ]
    )


LOCK_NAME = ".personalign-run.lock"


@contextmanager
def one_run_at_a_time(log_dir: str, shard: tuple[int, int] | None = None) -> Iterator[None]:
    """Hold the log directory for this run: two eval sets writing one directory overwrite each
    other's eval-set.json, and the first to finish reads the other's logs as incomparable.
    The shards of a run share the directory (each holds it shared, and its own share alone),
    so a whole run waits for none of them to be refused, and two copies of one shard are
    refused too. The lock is the operating system's, so it goes with the process, even one
    killed -9. Object storage has no such locks: a run into a URL is not guarded."""
    from personalign.reports._logread import is_url

    try:
        import fcntl
    except ImportError:  # no POSIX locks here: runs are not guarded
        yield
        return
    if is_url(log_dir):
        yield
        return
    folder = Path(log_dir)
    with ExitStack() as stack:
        if shard is None:
            # Held by no one named: the shards of a run, which hold it shared.
            stack.enter_context(
                _held(
                    folder / LOCK_NAME, fcntl.LOCK_EX, log_dir, "another personalign run", "shards of a run"
                )
            )
        else:
            stack.enter_context(_held(folder / LOCK_NAME, fcntl.LOCK_SH, log_dir, "a whole personalign run"))
            index, count = shard
            stack.enter_context(
                _held(
                    folder / f".personalign-run-shard-{index}-of-{count}.lock",
                    fcntl.LOCK_EX,
                    log_dir,
                    f"another personalign run of shard {index}/{count}",
                )
            )
        yield


@contextmanager
def _held(lock: Path, mode: int, log_dir: str, who: str, unnamed: str = "another process") -> Iterator[None]:
    """`lock` held in `mode` (exclusive: with this process named in it while it is held);
    refused at once, naming `who` (and the holder, or `unnamed`), when it cannot be."""
    import fcntl

    with lock.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or unnamed
            raise UserError(
                f"--log-dir {log_dir}: {who} is writing there ({holder}); "
                "wait for it to finish, or give this run its own --log-dir"
            ) from None
        if mode == fcntl.LOCK_SH:
            yield
            return
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # released: no stale name for a shard that finds it held shared
