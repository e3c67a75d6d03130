"""`personalign personas ...`"""

from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from ._generate import coverage_report, generate_personas
from ._load import load_personas
from ._privacy import for_display
from ._schema import Persona


@click.group()
def personas() -> None:
    """List, show, validate, generate and import persona profiles."""


@personas.command("list")
@click.argument("source", required=False)
def list_personas(source: str | None) -> None:
    """List personas (default: the bundled set): id, kind, top values."""
    for persona in load_personas(source):
        top = ", ".join(persona.values.ranked()[:3])
        click.echo(f"{persona.id:<24} {persona.kind:<9} {top}")


@personas.command()
@click.argument("persona_id")
@click.option("--from", "source", default=None, help="Persona file or directory (default: bundled).")
@click.option("--reveal", is_flag=True, help="Show names and contact details of real people.")
def show(persona_id: str, source: str | None, reveal: bool) -> None:
    """Print one persona as YAML (personal data redacted unless --reveal)."""
    by_id = {p.id: p for p in load_personas(source)}
    if persona_id not in by_id:
        raise click.BadParameter(f"no persona {persona_id!r}; try `personalign personas list`")
    shown = for_display(by_id[persona_id], reveal)
    click.echo(yaml.safe_dump(shown.model_dump(mode="json"), sort_keys=False, allow_unicode=True))


@personas.command()
@click.argument("source", required=False)
def validate(source: str | None) -> None:
    """Validate persona files; exits 2 naming the file and field of the first problem."""
    loaded = load_personas(source)
    click.echo(f"{len(loaded)} personas valid")


@personas.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write to a file.")
def schema(out: Path | None) -> None:
    """Print the Persona JSON Schema."""
    text = json.dumps(Persona.model_json_schema(), indent=2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@personas.command()
@click.option("--n", "count", default=200, show_default=True, help="How many personas.")
@click.option("--seed", default=7, show_default=True, help="Same seed, same personas.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output directory.")
def generate(count: int, seed: int, out: Path) -> None:
    """Generate synthetic personas (YAML files, SUMMARY.md) and print a coverage report."""
    generated = generate_personas(count, seed)
    out.mkdir(parents=True, exist_ok=True)
    for persona in generated:
        (out / f"{persona.id}.yaml").write_text(
            yaml.safe_dump(persona.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
    report = coverage_report(generated)
    summary = [f"# Synthetic personas (seed {seed})", "", "```", report, "```", ""]
    summary += [
        f"- `{p.id}`: {p.summary} Top values: {', '.join(p.values.ranked()[:3])}; "
        f"{p.communication.verbosity}, {p.communication.formality}, {p.communication.format}."
        for p in generated
    ]
    (out / "SUMMARY.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    click.echo(report)
    click.echo(f"\nwrote {len(generated)} personas and SUMMARY.md to {out}")


IMPORT_FORMATS = ("hearth", "openclaw", "vcp", "prism", "custom_instructions")


@personas.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(IMPORT_FORMATS))
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "user_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="OpenClaw USER.md to go with SOUL.md.")  # fmt: skip
@click.option("--id", "persona_id", default=None, help="Persona id (hearth, custom_instructions).")
@click.option("--limit", type=int, default=None, help="PRISM: at most this many rows.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output directory."
)
@click.pass_obj
def import_profiles(
    obj: dict | None,
    fmt: str,
    source: Path,
    user_file: Path | None,
    persona_id: str | None,
    limit: int | None,
    out: Path,
) -> None:
    """Import profiles of another format into persona files, reporting kept/inferred/dropped.

    Value weights are always inferred from the text (marked as such, with a confidence).
    """
    from ._import_prism import import_prism_row, load_prism_rows
    from ._import_structured import import_openclaw, import_vcp
    from ._import_text import import_custom_instructions, import_hearth

    embed = (obj or {}).get("embed")
    if embed is None:
        raise click.UsageError("no embedding model available: run this through the `personalign` command")
    text = source.read_text(encoding="utf-8") if fmt != "prism" else ""
    try:
        if fmt == "prism":
            results = [import_prism_row(row, embed) for row in load_prism_rows(source, limit)]
        elif fmt == "hearth":
            results = [import_hearth(text, embed, persona_id or "hearth-user")]
        elif fmt == "custom_instructions":
            results = [import_custom_instructions(text, embed, persona_id or "custom-instructions-user")]
        elif fmt == "openclaw":
            user = user_file.read_text(encoding="utf-8") if user_file else None
            results = [import_openclaw(text, embed, user, persona_id)]
        else:
            results = [import_vcp(json.loads(text), embed)]
    except (ValueError, KeyError) as err:
        raise click.ClickException(f"{source}: {err}") from None
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        path = out / f"{result.persona.id}.yaml"
        path.write_text(
            yaml.safe_dump(result.persona.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        click.echo(f"{path} ({for_display(result.persona).name})")
        click.echo("  " + result.report.render().replace("\n", "\n  "))
