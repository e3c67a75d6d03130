"""`personalign personas ...`: list, show, validate, render, schema, generate and import."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from personalign.cli._options import check_strategy
from personalign.personas import (
    IMPORT_FORMATS,
    Persona,
    UserError,
    check_intents,
    check_personas,
    coverage_report,
    diff_text,
    for_display,
    generate_personas,
    import_profiles,
    inference_report,
    load_persona,
    load_personas,
    persona_diff,
    persona_yaml,
    write_persona,
)


@click.group()
def personas() -> None:
    """List, show, validate, render, generate and import persona profiles."""


def _one(persona_id: str, source: str | None) -> Persona:
    by_id = {p.id: p for p in load_personas(source)}
    if persona_id not in by_id:
        raise click.BadParameter(f"no persona {persona_id!r}; try `personalign personas list`")
    return by_id[persona_id]


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
    click.echo(persona_yaml(for_display(_one(persona_id, source), reveal)))


@personas.command()
@click.argument("persona_id")
@click.option(
    "--strategy",
    default="opspec",
    show_default=True,
    callback=check_strategy,
    help="A built-in strategy or a .j2 path.",
)
@click.option("--from", "source", default=None, help="Persona file or directory (default: bundled).")
@click.option("--reveal", is_flag=True, help="Show names and contact details of real people.")
@click.option("--query", default=None, help="The request memory_facts retrieves facts for.")
@click.option(
    "--memory-k",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Facts memory_facts retrieves.",
)
def render(
    persona_id: str, strategy: str, source: str | None, reveal: bool, query: str | None, memory_k: int
) -> None:
    """Print a persona rendered by a context strategy, and its size in tokens."""
    from personalign.evals import render_context

    if strategy == "memory_facts" and query is None:
        raise click.UsageError("memory_facts retrieves facts for a request: give it with --query TEXT")
    rendered = render_context(for_display(_one(persona_id, source), reveal), strategy, query, memory_k)
    click.echo(rendered.text)
    click.echo(f"\n[{rendered.strategy}: {rendered.tokens} tokens]", err=True)


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
@click.option(
    "--n", "count", type=click.IntRange(min=1), default=200, show_default=True, help="How many personas."
)
@click.option("--seed", default=7, show_default=True, help="Same seed, same personas.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output directory.")
def generate(count: int, seed: int, out: Path) -> None:
    """Generate synthetic personas (YAML files, SUMMARY.md) and print a coverage report."""
    generated = generate_personas(count, seed)
    for persona in generated:
        write_persona(persona, out)
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


@personas.command("infer-check")
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
def infer_check(source: Path | None) -> None:
    """How well value inference recovers people's own rankings: top-1, top-3 overlap,
    Spearman, and top-1 accuracy by confidence (the reliability table).

    SOURCE: persona files (default: the bundled set; their weights are the truth), or a
    folder of FORMAT/PERSON/ profiles with an intent.json each (like tests/blind/profiles).
    """
    from personalign.scorers import embed

    if source is not None and source.is_dir() and any(source.glob("*/*/intent.json")):
        outcomes = check_intents(source, embed)
    else:
        outcomes = check_personas(source, embed)
    click.echo(inference_report(outcomes))


@personas.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(IMPORT_FORMATS))
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "user_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="OpenClaw USER.md to go with SOUL.md.")  # fmt: skip
@click.option("--id", "persona_id", default=None, help="Persona id (hearth, custom_instructions).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="PRISM: at most this many rows.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output directory."
)
@click.option("--overwrite", is_flag=True, help="Replace persona files that already have the imported ids.")
def import_command(
    fmt: str,
    source: Path,
    user_file: Path | None,
    persona_id: str | None,
    limit: int | None,
    out: Path,
    overwrite: bool,
) -> None:
    """Import profiles of another format into persona files, reporting kept/inferred/dropped.

    Ids come from the person's name or handle and a hash of the source. An id that is already
    in --out is an error unless --overwrite is given; two imported profiles never share one.
    Value weights are always inferred from the text (marked as such, with a confidence).
    """
    from personalign.scorers import embed

    results = import_profiles(
        fmt,  # type: ignore[arg-type]  # click.Choice(IMPORT_FORMATS) checked it
        source,
        embed,
        user_file=user_file,
        persona_id=persona_id,
        limit=limit,
    )
    ids = Counter(r.persona.id for r in results)
    if shared := sorted(i for i, n in ids.items() if n > 1):
        raise UserError(
            f"{source}: {len(shared)} ids are shared by two or more profiles ({', '.join(shared[:5])})"
        )
    if not overwrite and (taken := sorted(i for i in ids if (out / f"{i}.yaml").exists())):
        raise UserError(
            f"{out}: already holds persona {', '.join(repr(i) for i in taken[:5])}"
            f"{f' and {len(taken) - 5} more' if len(taken) > 5 else ''}: give --overwrite to replace, "
            "or --id for another id"
        )
    for result in results:
        path = write_persona(result.persona, out)
        click.echo(f"{path} ({for_display(result.persona).name})")
        click.echo("  " + result.report.render().replace("\n", "\n  "))


@personas.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--reveal", is_flag=True, help="Show names and contact details of real people.")
def diff(old: Path, new: Path, fmt: str, reveal: bool) -> None:
    """What changed from OLD to NEW, two versions of one person: values (weights and the top
    three), walls, stated choices, consistency and every other field. Personal data is
    redacted unless --reveal. Score whether a model follows the change with
    `inspect eval personalign/persona_versions -T old=OLD -T new=NEW`."""
    before, after = for_display(load_persona(old), reveal), for_display(load_persona(new), reveal)
    changes = persona_diff(before, after)
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in changes], indent=2, ensure_ascii=False))
    else:
        click.echo(diff_text(changes, str(old), str(new)))
