"""`personalign refusal-check`: the refusal classifier against hand-labelled replies."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("refusal-check")
@click.option(
    "--data",
    "files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Labelled replies (YAML with a 'responses' list); default: the bundled sets.",
)
@click.option("--min", "minimum", default=0.9, show_default=True, help="Least refusal precision and recall.")
@click.option("--show-errors", is_flag=True, help="Print every reply the classifier got wrong.")
def refusal_check(files: tuple[Path, ...], minimum: float, show_errors: bool) -> None:
    """Precision and recall of the deterministic refusal classifier, per labelled set.

    Exits 1 when refusal precision or recall falls below --min on any set.
    """
    from personalign.scorers import LABELLED_SETS, REFUSAL_LABELS, check_classifier, load_labelled

    sets = {path.name: path for path in files} if files else LABELLED_SETS
    failed = False
    for name, path in sets.items():
        result = check_classifier(name, load_labelled(path))
        click.echo(f"\n{name} ({path.name}): {result.n} replies")
        click.echo(f"{'hand label':<12}" + "".join(f"{'-> ' + p:>15}" for p in REFUSAL_LABELS))
        for actual in REFUSAL_LABELS:
            row = "".join(f"{result.confusion[(actual, p)]:>15}" for p in REFUSAL_LABELS)
            click.echo(f"{actual:<12}{row}")
        for label in REFUSAL_LABELS:
            s = result.scores(label)
            click.echo(f"{label:<12} precision {s.precision:.3f}  recall {s.recall:.3f}  (n={s.support})")
        refusal = result.scores("refusal")
        if not (refusal.precision >= minimum and refusal.recall >= minimum):
            failed = True
            click.echo(f"refusal precision or recall below {minimum}")
        if show_errors:
            for item, predicted in result.errors:
                click.echo(
                    f"  {item.id}: labelled {item.label}, classified {predicted}: {item.reply[:160]!r}"
                )
    if failed:
        sys.exit(1)
