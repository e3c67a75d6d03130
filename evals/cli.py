"""The `personalign` command: mounts each package's sub-commands."""

from __future__ import annotations

import sys

import click

from evals.reference_product import reference_product
from evals.refusal_cli import refusal_check
from evals.render_cli import render
from evals.run_cli import run
from evals.scenarios_cli import scenarios
from evals.validate_cli import validate_metrics
from personas import DataFileError
from personas.cli import personas
from reports.cli import baseline, gate, leaderboard


class _Root(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        # Bad input files are user errors: one clear line, exit 2, no traceback.
        try:
            return super().invoke(ctx)
        except DataFileError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)


@click.group(cls=_Root)
@click.version_option(package_name="personalign")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """personalign: evaluate how well models act for one specific person."""
    # Sub-commands of `personas` may not import `scorers`; the root hands them the embedder.
    from scorers import embed

    ctx.obj = {"embed": embed}


cli.add_command(run)
cli.add_command(leaderboard)
cli.add_command(baseline)
cli.add_command(gate)
cli.add_command(validate_metrics)
cli.add_command(refusal_check)
cli.add_command(reference_product)
personas.add_command(render)
cli.add_command(personas)
cli.add_command(scenarios)


def main() -> None:
    cli()
