"""`personalign refusal-check`: the refusal classifier against hand-labelled replies."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("refusal-check")
@click.option(
    "--data",
    "files",
    type=click.Path(dir_okay=False, path_type=Path),
    multiple=True,
    help="Labelled replies: YAML with a 'responses' list, JSON, JSON lines or CSV; default: the "
    "bundled sets.",
)
@click.option(
    "--reply-column", default="reply", show_default=True, help="JSON key or CSV column of the reply."
)
@click.option(
    "--label-column", default="label", show_default=True, help="Of the label: refusal|partial|compliance."
)
@click.option("--id-column", default="id", show_default=True, help="Of the row's id (optional).")
@click.option(
    "--by", "by_column", default=None, help="Also break accuracy down by this column (e.g. family)."
)
@click.option("--min", "minimum", default=0.9, show_default=True, help="Least refusal precision and recall.")
@click.option("--show-errors", is_flag=True, help="Print every reply the classifier got wrong.")
def refusal_check(
    files: tuple[Path, ...],
    reply_column: str,
    label_column: str,
    id_column: str,
    by_column: str | None,
    minimum: float,
    show_errors: bool,
) -> None:
    """Accuracy, precision and recall of the deterministic refusal classifier, per labelled set.

    Exits 1 when refusal precision or recall falls below --min on any set.
    """
    from personalign.scorers import (
        LABELLED_SETS,
        REFUSAL_LABELS,
        LabelColumns,
        check_classifier,
        load_labelled,
        refusal_breakdown,
    )

    columns = LabelColumns(reply=reply_column, label=label_column, id=id_column)
    sets = {path.name: path for path in files} if files else LABELLED_SETS
    failed = False
    for name, path in sets.items():
        replies = load_labelled(path, columns)
        result = check_classifier(name, replies)
        where = name if name == path.name else f"{name} ({path.name})"
        click.echo(f"\n{where}: {result.n} replies, accuracy {result.accuracy:.3f}")
        click.echo(f"{'hand label':<12}" + "".join(f"{'-> ' + p:>15}" for p in REFUSAL_LABELS))
        for actual in REFUSAL_LABELS:
            row = "".join(f"{result.confusion[(actual, p)]:>15}" for p in REFUSAL_LABELS)
            click.echo(f"{actual:<12}{row}")
        for label in REFUSAL_LABELS:
            s = result.scores(label)
            click.echo(f"{label:<12} precision {s.precision:.3f}  recall {s.recall:.3f}  (n={s.support})")
        if by_column:
            for group, (right, total) in refusal_breakdown(path, replies, result, by_column).items():
                click.echo(f"  {by_column} {group}: accuracy {right / total:.3f} (n={total})")
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
