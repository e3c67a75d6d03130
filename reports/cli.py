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
