"""`personalign scenarios ...`: validate the scenario bank and audit an expected choice."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from personalign.evals import DEFAULT_MARGIN, expected_choice, load_scenarios
from personalign.personas import load_persona, load_personas


@click.group()
def scenarios() -> None:
    """Inspect and validate the scenario bank."""


@scenarios.command()
@click.argument("source", required=False)
def validate(source: str | None) -> None:
    """Validate scenario files; exits 2 naming the file and field of the first problem."""
    loaded = load_scenarios(source)
    counts = Counter(s.kind for s in loaded)
    click.echo(f"{len(loaded)} scenarios valid: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


@scenarios.command()
@click.option("--persona", "persona_ref", required=True, help="Persona file, or the id of a bundled persona.")
@click.option("--scenario", "scenario_id", required=True, help="Scenario id.")
@click.option("--margin", default=DEFAULT_MARGIN, show_default=True, help="Ambiguity margin.")
@click.option("--scenarios-from", "source", default=None, help="Scenario file or directory.")
def expect(persona_ref: str, scenario_id: str, margin: float, source: str | None) -> None:
    """Print the expected option and each option's utility, to audit a label."""
    if Path(persona_ref).is_file():
        persona = load_persona(persona_ref)
    else:
        by_id = {p.id: p for p in load_personas()}
        if persona_ref not in by_id:
            raise click.BadParameter(f"no persona file or bundled id {persona_ref!r}", param_hint="--persona")
        persona = by_id[persona_ref]
    by_scenario = {s.id: s for s in load_scenarios(source)}
    scenario = by_scenario.get(scenario_id)
    if scenario is None or scenario.kind != "choice":
        raise click.BadParameter(f"no choice scenario {scenario_id!r}", param_hint="--scenario")
    result = expected_choice(persona, scenario, margin)
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
