"""`personalign reference-product`: serve the reference personalization product on loopback."""

from __future__ import annotations

import click


@click.command("reference-product")
@click.option("--port", default=0, show_default=True, help="Port on 127.0.0.1 (0: any free one).")
@click.option("--strategy", default="opspec", show_default=True, help="How the product renders its profile.")
@click.option(
    "--backend", default="personalign/smollm2", show_default=True, help="The model it answers with."
)
@click.option(
    "--personas", "persona_path", default=None, help="Profiles it holds (default: the bundled set)."
)
@click.option("--drop-persona", is_flag=True, help="A faulty version: ignore the user's profile.")
@click.option("--leak", default=None, help="A faulty version: let this hard-floor item past the guard.")
def reference_product(
    port: int, strategy: str, backend: str, persona_path: str | None, drop_persona: bool, leak: str | None
) -> None:
    """Serve the reference product on loopback (OpenAI chat completions at /v1)."""
    from personalign.evals import ReferenceProduct, serve
    from personalign.personas import load_personas

    product = ReferenceProduct(load_personas(persona_path), strategy, backend, drop_persona, leak)
    server = serve(product, port=port)
    click.echo(f"listening on http://127.0.0.1:{server.server_address[1]}/v1", nl=True)
    server.serve_forever()
