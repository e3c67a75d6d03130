"""`personalign baseline`: record a run as the baseline the gate compares against."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from personalign.reports import Baseline


@click.command()
@click.argument("log_dir", type=click.Path(file_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The baseline file to write.")
@click.option("--allow-mixed", is_flag=True, help="Accept cells that differ in their fingerprint.")
@click.option(
    "--merge",
    is_flag=True,
    help="When --out exists, add this run's cells to it or replace its cells of the same model x "
    "strategy, keeping the others (refused when the kept cells differ in fingerprint from this "
    "run, unless --allow-mixed). Without it --out is overwritten.",
)
def baseline(log_dir: str, out: str, allow_mixed: bool, merge: bool) -> None:
    """Create or update a baseline for `personalign gate` from the run in LOG_DIR."""
    from personalign.reports import (
        BaselineError,
        IncomparableRunsError,
        NoLogsError,
        load_baseline,
        make_baseline,
        merge_baselines,
        write_baseline,
    )

    # Read both inputs before giving up, so one run reports every input that is wrong.
    errors: list[str] = []
    old: Baseline | None = None
    if merge and Path(out).exists():
        try:
            old = load_baseline(out)
        except BaselineError as err:
            errors.append(str(err))
    try:
        made = make_baseline(log_dir, allow_mixed)
    except (NoLogsError, IncomparableRunsError) as err:
        errors.append(str(err))
    if errors:
        for error in errors:
            click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if old is not None:
        made, counts = merge_baselines(old, made, allow_mixed, where=f"baseline {out}")
        change = ", ".join(f"{n} {what}" for what, n in counts.items())
    else:
        replaced = " (overwritten)" if Path(out).exists() else ""
        change = f"{len(made.cells)} written{replaced}"
    write_baseline(made, out)
    samples = sum(len(c.samples) for c in made.cells)
    click.echo(f"baseline: {out} ({len(made.cells)} cells, {samples} samples; cells: {change})")
