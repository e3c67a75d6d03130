"""`personalign validate-metrics`: scripted models through the real tasks, with 95% intervals."""

from __future__ import annotations

import sys
from pathlib import Path
from tempfile import mkdtemp

import click


@click.command("validate-metrics")
@click.option("--max-personas", default=8, show_default=True, help="Personas per run.")
@click.option("--epochs", default=2, show_default=True, help="Epochs per run (options reshuffle each epoch).")
@click.option("--pairs", default=60, show_default=True, help="Counterfactual pairs.")
@click.option("--log-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def validate_metrics(max_personas: int, epochs: int, pairs: int, log_dir: Path | None) -> None:
    """Check that value fidelity, identity coherence and variance measure what they claim,
    using scripted models.

    Exits 1 when a check fails. Intervals are mean ± 1.96 standard errors (clustered by
    persona), or for the conversation measures a 95% bootstrap over personas.
    """
    from personalign.evals import ValidationRunError, run_validation

    try:
        checks = run_validation(
            max_personas, epochs, pairs, log_dir or Path(mkdtemp(prefix="personalign-validate-"))
        )
    except ValidationRunError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{'model':<19}{'measure':<20}{'value':>7}  {'95% interval':<18}{'target':<34}result")
    for c in checks:
        bounds = c.interval()
        interval = "" if bounds is None else f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"
        click.echo(
            f"{c.model:<19}{c.measure:<20}{c.value:>7.3f}  {interval:<18}{c.target:<34}"
            + ("ok" if c.passed else "FAIL")
        )
    if not all(c.passed for c in checks):
        sys.exit(1)
