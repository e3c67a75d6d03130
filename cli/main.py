"""The `personalign` root group: mounts one command per module and turns user errors into one
line and exit 2."""

from __future__ import annotations

import sys

import click

from personalign.cli.baseline import baseline
from personalign.cli.gate import gate
from personalign.cli.leaderboard import leaderboard
from personalign.cli.personas import personas
from personalign.cli.reference_product import reference_product
from personalign.cli.refusal_check import refusal_check
from personalign.cli.run import run
from personalign.cli.scenarios import scenarios
from personalign.cli.validate_metrics import validate_metrics
from personalign.personas import DataFileError
from personalign.reports import IncomparableRunsError, NoLogsError

# Input the user can fix: a bad data file, a log directory with no usable logs, runs that
# cannot share a table. Everything else is a bug and keeps its traceback.
USER_ERRORS = (DataFileError, NoLogsError, IncomparableRunsError)


class _Root(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)


@click.group(cls=_Root)
@click.version_option(package_name="personalign")
def cli() -> None:
    """personalign: evaluate how well models act for one specific person."""


for command in (
    run,
    leaderboard,
    baseline,
    gate,
    validate_metrics,
    refusal_check,
    reference_product,
    personas,
    scenarios,
):
    cli.add_command(command)


def main() -> None:
    cli()
