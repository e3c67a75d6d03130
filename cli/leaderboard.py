"""`personalign leaderboard`: the table, CSV, JSON or HTML report from a log directory."""

from __future__ import annotations

import json

import click

from personalign.cli._options import parent_folder_made
from personalign.personas import UserError
from personalign.reports import BOOTSTRAP_SEED

REPORT_NAME = "personalign-report.html"


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
@click.option(
    "--strict", is_flag=True, help="Exit 2 when any log is left out (unreadable, errored or unfinished)."
)
@click.option("--reveal", is_flag=True, help="Name the person in a one-person ranking (hidden by default).")
def leaderboard(
    log_dir: str | None,
    fmt: str,
    out: str | None,
    allow_mixed: bool,
    seed: int,
    schema: bool,
    strict: bool,
    reveal: bool,
) -> None:
    """Model x strategy x every measure, with 95% intervals over personas, from the Inspect
    logs in LOG_DIR. A run of one person (personalign run --personas me.yaml) is ranked for
    them on their own answers, with intervals over scenarios. Logs that are unreadable,
    errored or still being written are left out and listed. Exits 2 when LOG_DIR holds no
    finished logs or runs that are not comparable."""
    from personalign.reports import Leaderboard, board_frame, build_leaderboard, markdown, render_html

    if schema:
        click.echo(json.dumps(Leaderboard.model_json_schema(), indent=2))
        return
    if log_dir is None:
        raise click.UsageError("LOG_DIR is required (or pass --schema)")
    board = build_leaderboard(log_dir, allow_mixed=allow_mixed, seed=seed, strict=strict, reveal=reveal)
    if fmt == "html":
        from personalign.reports._logread import join_location

        path = render_html(board, out or join_location(log_dir, REPORT_NAME))
        click.echo(f"report: {path}")
        return
    text = {
        "markdown": lambda: markdown(board),
        "csv": lambda: board_frame(board).to_csv(index=False),
        "json": lambda: board.model_dump_json(indent=2),
    }[fmt]()
    if out:
        try:
            parent_folder_made(out, "--out").write_text(text, encoding="utf-8")
        except OSError as err:
            raise UserError(f"--out {out}: cannot be written ({err.strerror or err})") from None
        click.echo(f"{fmt}: {out}")
    else:
        click.echo(text)
