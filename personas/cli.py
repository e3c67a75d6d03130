"""`personalign personas ...`"""

from __future__ import annotations

import click

from ._load import load_personas


@click.group()
def personas() -> None:
    """Inspect and validate persona files."""


@personas.command("list")
@click.argument("source", required=False)
def list_personas(source: str | None) -> None:
    """List personas (default: the bundled set) with their top values."""
    for persona in load_personas(source):
        top = ", ".join(persona.values.ranked()[:3])
        click.echo(f"{persona.id:<22} {persona.kind:<9} {top}")


@personas.command()
@click.argument("source", required=False)
def validate(source: str | None) -> None:
    """Validate persona files; exits 2 naming the file and field of the first problem."""
    loaded = load_personas(source)
    click.echo(f"{len(loaded)} personas valid")
