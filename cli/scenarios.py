"""`personalign scenarios ...`: validate the scenario bank and audit an expected choice."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from personalign.evals import DEFAULT_MARGIN
from personalign.personas import UserError

if TYPE_CHECKING:
    from personalign.evals import ExpectedChoice, Scenario
    from personalign.personas import Persona


@click.group()
def scenarios() -> None:
    """Inspect and validate the scenario bank."""


@scenarios.command()
@click.argument("source", required=False)
def validate(source: str | None) -> None:
    """Validate scenario files; exits 2 naming the file and field of the first problem."""
    from personalign.evals import load_scenarios

    loaded = load_scenarios(source)
    counts = Counter(s.kind for s in loaded)
    click.echo(f"{len(loaded)} scenarios valid: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


def _personas(refs: tuple[str, ...], source: str | None) -> list[Persona]:
    """The personas named by `refs` (files, or ids in `source` or the bundled set); all of
    `source` when no ref is given."""
    from personalign.personas import load_persona, load_personas

    if not refs:
        return load_personas(source) if source else load_personas()
    pool = {p.id: p for p in (load_personas(source) if source else load_personas())}
    chosen = []
    for ref in refs:
        if Path(ref).is_file():
            chosen.append(load_persona(ref))
        elif ref in pool:
            chosen.append(pool[ref])
        else:
            where = f"in {source}" if source else "among the bundled personas"
            raise click.BadParameter(f"no persona file or id {ref!r} {where}", param_hint="--persona")
    return chosen


def _audit(persona: Persona, scenario: Scenario, result: ExpectedChoice, margin: float) -> None:
    """One pair in full: every option's utility and what it serves and sacrifices."""
    click.echo(f"persona {persona.id}: top values {', '.join(persona.values.ranked()[:3])}")
    click.echo(f"scenario {scenario.id}: {scenario.prompt.strip()}")
    for option in sorted(scenario.options, key=lambda o: -result.utilities[o.id]):
        mark = "*" if option.id == result.option_id else " "
        click.echo(
            f" {mark} {option.id:<14} {result.utilities[option.id]:+.3f}  {option.text}"
            f"  [serves {', '.join(option.serves) or '-'}; sacrifices {', '.join(option.sacrifices) or '-'}]"
        )
    if result.ambiguous:
        click.echo(f"ambiguous: top two within {margin} (gap {result.margin:.3f}); not scored")
    else:
        click.echo(f"expected: {result.option_id} ({result.source}, gap {result.margin:.3f})")


@scenarios.command()
@click.option(
    "--persona", "persona_refs", multiple=True,
    help="Persona file, or an id in --personas (or the bundled set); repeatable. Default: all of --personas.",
)  # fmt: skip
@click.option(
    "--personas", "persona_source", default=None, help="Persona file or directory, e.g. imported ones."
)
@click.option(
    "--scenario", "scenario_ids", multiple=True, help="Choice scenario id; repeatable. Default: all."
)
@click.option("--scenarios-from", "source", default=None, help="Scenario file or directory.")
@click.option("--margin", default=DEFAULT_MARGIN, show_default=True, help="Ambiguity margin.")
@click.option(
    "--format", "out_format", type=click.Choice(["table", "csv"]), default="table", show_default=True,
    help="Many pairs: an aligned table or CSV. One pair in a table is shown in full.",
)  # fmt: skip
def expect(
    persona_refs: tuple[str, ...],
    persona_source: str | None,
    scenario_ids: tuple[str, ...],
    source: str | None,
    margin: float,
    out_format: str,
) -> None:
    """Print the expected option of persona x choice scenario pairs, to audit the labels.

    One pair prints each option's utility; several print a row per pair: the expected option,
    the utility gap to the runner-up, and whether the pair is ambiguous (not scored).
    """
    from personalign.evals import expected_choice, load_scenarios

    if not persona_refs and persona_source is None:
        raise click.UsageError("give --persona (repeatable) or --personas DIR")
    people = _personas(persona_refs, persona_source)
    choices = {s.id: s for s in load_scenarios(source) if s.kind == "choice"}
    unknown = [i for i in scenario_ids if i not in choices]
    if unknown:
        raise click.BadParameter(
            f"no choice scenario {', '.join(map(repr, unknown))}", param_hint="--scenario"
        )
    chosen = [choices[i] for i in scenario_ids] if scenario_ids else list(choices.values())
    if not chosen:
        raise UserError(f"{source or 'the scenario bank'}: holds no choice scenarios to expect an option of")
    if len(people) == 1 and len(chosen) == 1 and out_format == "table":
        _audit(people[0], chosen[0], expected_choice(people[0], chosen[0], margin), margin)
        return
    rows: list[dict[str, str]] = []
    for persona in people:
        for scenario in chosen:
            result = expected_choice(persona, scenario, margin)
            rows.append(
                {
                    "persona": persona.id,
                    "scenario": scenario.id,
                    "expected": "" if result.ambiguous else str(result.option_id),
                    "gap": f"{result.margin:.3f}",
                    "ambiguous": "yes" if result.ambiguous else "no",
                    "source": result.source,
                }
            )
    if out_format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    widths = {key: max(len(key), *(len(r[key]) for r in rows)) for key in rows[0]}
    click.echo("  ".join(key.ljust(w) for key, w in widths.items()).rstrip())
    for row in rows:
        click.echo("  ".join(row[key].ljust(w) for key, w in widths.items()).rstrip())
    ambiguous = sum(r["ambiguous"] == "yes" for r in rows)
    click.echo(f"{len(rows)} pairs ({len(people)} personas x {len(chosen)} scenarios); {ambiguous} ambiguous")
