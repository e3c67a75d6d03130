"""`personalign personas render`: what a strategy sends the model (mounted under `personas`)."""

from __future__ import annotations

import click

from personas import for_display, load_personas

from ._strategy import builtin_strategies, render_context


@click.command()
@click.argument("persona_id")
@click.option(
    "--strategy", default="opspec", show_default=True, help=f"One of {builtin_strategies()} or a .j2 path."
)
@click.option("--from", "source", default=None, help="Persona file or directory (default: bundled).")
@click.option("--reveal", is_flag=True, help="Show names and contact details of real people.")
def render(persona_id: str, strategy: str, source: str | None, reveal: bool) -> None:
    """Print a persona rendered by a context strategy, and its size in tokens."""
    by_id = {p.id: p for p in load_personas(source)}
    if persona_id not in by_id:
        raise click.BadParameter(f"no persona {persona_id!r}; try `personalign personas list`")
    rendered = render_context(for_display(by_id[persona_id], reveal), strategy)
    click.echo(rendered.text)
    click.echo(f"\n[{rendered.strategy}: {rendered.tokens} tokens]", err=True)
