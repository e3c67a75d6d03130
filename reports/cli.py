"""`personalign leaderboard`"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ._document import Leaderboard, build_leaderboard
from ._fingerprint import IncomparableRunsError
from ._stats import BOOTSTRAP_SEED

REPORT_NAME = "personalign-report.html"


def load_board(log_dir: str, allow_mixed: bool, seed: int = BOOTSTRAP_SEED) -> Leaderboard:
    """The leaderboard, or exit 2 with the reason when the logs are missing or incomparable."""
    try:
        return build_leaderboard(log_dir, allow_mixed=allow_mixed, seed=seed)
    except (FileNotFoundError, IncomparableRunsError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(2)


@click.command()
@click.argument("log_dir", type=click.Path(file_okay=False), required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "csv", "json", "html"]),
    default="markdown",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout (html: a file).")
@click.option("--allow-mixed", is_flag=True, help="Put runs that differ in their fingerprint in one table.")
@click.option("--seed", default=BOOTSTRAP_SEED, show_default=True, help="Bootstrap seed.")
@click.option("--schema", is_flag=True, help="Print the JSON schema of --format json and exit.")
def leaderboard(
    log_dir: str | None, fmt: str, out: str | None, allow_mixed: bool, seed: int, schema: bool
) -> None:
    """Model x strategy x every measure, with 95% intervals over personas, from the Inspect
    logs in LOG_DIR. Exits 2 when LOG_DIR holds no logs or runs that are not comparable."""
    from ._html import render_html
    from ._leaderboard import board_frame, markdown

    if schema:
        click.echo(json.dumps(Leaderboard.model_json_schema(), indent=2))
        return
    if log_dir is None:
        raise click.UsageError("LOG_DIR is required (or pass --schema)")
    board = load_board(log_dir, allow_mixed, seed)
    if fmt == "html":
        path = render_html(board, out or Path(log_dir) / REPORT_NAME)
        click.echo(f"report: {path}")
        return
    text = {
        "markdown": lambda: markdown(board),
        "csv": lambda: board_frame(board).to_csv(index=False),
        "json": lambda: board.model_dump_json(indent=2),
    }[fmt]()
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"{fmt}: {out}")
    else:
        click.echo(text)


def _max_drops(pairs: tuple[str, ...]) -> dict[str, float]:
    from ._gate import DIRECTION

    drops = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in DIRECTION:
            raise click.BadParameter(f"{pair!r}: expected MEASURE=DROP with MEASURE one of {list(DIRECTION)}")
        try:
            drops[name] = float(value)
        except ValueError:
            raise click.BadParameter(f"{pair!r}: DROP must be a number, like value_fidelity=0.02") from None
    return drops


@click.command()
@click.argument("log_dir", type=click.Path(file_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The baseline file to write.")
@click.option("--allow-mixed", is_flag=True, help="Accept cells that differ in their fingerprint.")
def baseline(log_dir: str, out: str, allow_mixed: bool) -> None:
    """Create or update a baseline for `personalign gate` from the run in LOG_DIR."""
    from ._gate import make_baseline

    try:
        made = make_baseline(log_dir, allow_mixed)
    except (FileNotFoundError, IncomparableRunsError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(2)
    Path(out).write_text(made.model_dump_json(indent=1), encoding="utf-8")
    samples = sum(len(c.samples) for c in made.cells)
    click.echo(f"baseline: {out} ({len(made.cells)} cells, {samples} samples)")


@click.command()
@click.option("--baseline", "baseline_path", required=True, type=click.Path(dir_okay=False))
@click.option("--logs", "log_dir", required=True, type=click.Path(file_okay=False), help="The current run.")
@click.option("--max-drop", "max_drop", multiple=True, help="MEASURE=DROP, e.g. value_fidelity=0.02.")
@click.option("--summary", type=click.Path(dir_okay=False), help="Also write the Markdown summary here.")
@click.option(
    "--verdict", "verdict_path", type=click.Path(dir_okay=False), help="Write the JSON verdict here."
)
@click.option("--seed", default=BOOTSTRAP_SEED, show_default=True, help="Bootstrap seed.")
def gate(
    baseline_path: str,
    log_dir: str,
    max_drop: tuple[str, ...],
    summary: str | None,
    verdict_path: str | None,
    seed: int,
) -> None:
    """Compare the run in --logs with a baseline, paired on the same items. Exit 0: pass;
    1: a regression or a hard-floor failure; 2: a usage error or runs that cannot be compared."""
    from pydantic import ValidationError

    from ._gate import Baseline, gate_markdown
    from ._gate import gate as run_gate

    try:
        stored = Baseline.model_validate_json(Path(baseline_path).read_text(encoding="utf-8"))
        verdict = run_gate(stored, log_dir, _max_drops(max_drop), seed=seed, baseline_name=baseline_path)
    except (OSError, ValidationError) as err:
        click.echo(f"Error: cannot read the baseline {baseline_path}: {err}", err=True)
        sys.exit(2)
    except (FileNotFoundError, IncomparableRunsError) as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(2)
    text = gate_markdown(verdict)
    click.echo(text)
    if summary:
        Path(summary).write_text(text + "\n", encoding="utf-8")
    if verdict_path:
        Path(verdict_path).write_text(verdict.model_dump_json(indent=2), encoding="utf-8")
    sys.exit(verdict.exit_code)
