"""`personalign leaderboard`"""

from __future__ import annotations

import click

from ._leaderboard import leaderboard_frame, leaderboard_table


@click.command()
@click.argument("log_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "csv", "json"]), default="markdown")
def leaderboard(log_dir: str, fmt: str) -> None:
    """Print model x strategy x the four measures from the Inspect logs in LOG_DIR."""
    try:
        if fmt == "markdown":
            click.echo(leaderboard_table(log_dir))
        else:
            frame = leaderboard_frame(log_dir)
            click.echo(
                frame.to_csv(index=False) if fmt == "csv" else frame.to_json(orient="records", indent=2)
            )
    except FileNotFoundError as err:
        raise click.ClickException(str(err)) from None
