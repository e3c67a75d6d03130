"""`personalign run`: the task over models x strategies, as one resumable Inspect eval set."""

from __future__ import annotations

import sys

import click

from reports import leaderboard_table


@click.command()
@click.option("--models", default="personalign/smollm2", show_default=True, help="Comma-separated models.")
@click.option("--strategies", default="none,opspec", show_default=True, help="Comma-separated strategies.")
@click.option("--epochs", default=2, show_default=True, help="Replies per sample.")
@click.option("--max-personas", type=int, default=None, help="At most N personas, spread over top values.")
@click.option("--scenarios-per-kind", type=int, default=None, help="Only the first N scenarios of each kind.")
@click.option(
    "--counterfactual-pairs",
    type=int,
    default=0,
    show_default=True,
    help="Also run counterfactual_fidelity with N pairs per strategy (flip and stay rates).",
)
@click.option("--limit", type=int, default=None, help="Only the first N samples of each task.")
@click.option("--max-tokens", default=160, show_default=True, help="Reply length cap.")
@click.option("--log-dir", default="logs/personalign", show_default=True, help="Where the Inspect logs go.")
@click.option("--display", default=None, help="Inspect display: full, rich, plain, none.")
def run(
    models: str,
    strategies: str,
    epochs: int,
    max_personas: int | None,
    scenarios_per_kind: int | None,
    counterfactual_pairs: int,
    limit: int | None,
    max_tokens: int,
    log_dir: str,
    display: str | None,
) -> None:
    """Run personal_alignment for every model x strategy, then print the leaderboard.

    Re-running with the same log directory skips finished cells and resumes the rest.
    """
    from inspect_ai import eval_set

    from evals.counterfactual_fidelity import counterfactual_fidelity
    from evals.personal_alignment import personal_alignment

    tasks = [
        personal_alignment(
            strategy=strategy,
            epochs=epochs,
            max_personas=max_personas,
            scenarios_per_kind=scenarios_per_kind,
            max_tokens=max_tokens,
        )
        for strategy in strategies.split(",")
    ]
    if counterfactual_pairs:
        tasks += [
            counterfactual_fidelity(pairs=counterfactual_pairs, strategy=strategy)
            for strategy in ("none", "values_constitution")
        ]
    success, _ = eval_set(
        tasks,
        log_dir=log_dir,
        model=models.split(","),
        limit=limit,
        display=display,  # type: ignore[arg-type]
    )
    click.echo(leaderboard_table(log_dir))
    if not success:
        click.echo(f"some cells did not finish; re-run the same command to resume ({log_dir})", err=True)
        sys.exit(1)
