"""The `personalign` root group: mounts one command per module, and is the one place where
errors become exit codes.

Exit codes: 0 success; 1 the result is a failure (the gate found a regression or a red line;
validate-metrics or refusal-check missed a bound; some cells of a run did not finish); 2 an
input the user can fix (one line, `error: ...`, naming the file, field, option or log);
3 an internal error (a bug: the traceback is kept in a file, and the line says where).
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from personalign.personas import UserError

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 3
EXIT_CODES = (
    "Exit codes: 0 success; 1 a failing result (gate: regression or red line); "
    "2 an input to fix (one line naming it); 3 an internal error (traceback kept in a file)."
)

# Every command: its module in personalign.cli, its name there, and its short help (the first
# sentence of its docstring). A command's module is imported only when that command runs or
# shows its own help, so `personalign --help` loads no model, Inspect or pandas; this table
# lists the commands meanwhile (tests/test_cli_import.py holds it to the commands themselves).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("run", "run", "Run personal_alignment for every model x strategy, then print the leaderboard."),
    "leaderboard": (
        "leaderboard",
        "leaderboard",
        "Model x strategy x every measure, with 95% intervals over personas, from the Inspect logs "
        "in LOG_DIR.",
    ),
    "baseline": (
        "baseline",
        "baseline",
        "Create or update a baseline for `personalign gate` from the run in LOG_DIR.",
    ),
    "gate": ("gate", "gate", "Compare the run in --logs with a baseline, paired on the same items."),
    "validate-metrics": (
        "validate_metrics",
        "validate_metrics",
        "Check that value fidelity, identity coherence and variance measure what they claim, using "
        "scripted models.",
    ),
    "refusal-check": (
        "refusal_check",
        "refusal_check",
        "Accuracy, precision and recall of the deterministic refusal classifier, per labelled set.",
    ),
    "reference-product": (
        "reference_product",
        "reference_product",
        "Serve the reference product on loopback (OpenAI chat completions at /v1).",
    ),
    "personas": (
        "personas",
        "personas",
        "List, show, validate, render, generate and import persona profiles.",
    ),
    "scenarios": ("scenarios", "scenarios", "Inspect and validate the scenario bank."),
    "elicit": (
        "elicit",
        "elicit",
        "Answer choice scenarios to build your own gold set: a persona file with your stated choices, "
        "values fitted to them (with their uncertainty) and your own consistency.",
    ),
    "elicit-check": (
        "elicit",
        "elicit_check",
        "Do elicited weights recover a person? Simulated people with known weights and noise answer "
        "whole sessions (adaptive and random questions).",
    ),
}


def _inspect_prerequisite(err: BaseException) -> str | None:
    """Inspect's own user errors (PrerequisiteError: an eval set's log directory holding
    other runs, a missing API key, ...) as plain text; None for anything else."""
    if type(err).__name__ != "PrerequisiteError":
        return None
    from rich.text import Text

    message = getattr(err, "message", err)
    text = Text.from_markup(message) if isinstance(message, str) else Text(str(message))
    return " ".join(text.plain.split())


def _keep_traceback(err: BaseException) -> str:
    """Write the traceback where the user can attach it to a bug report; say where."""
    folder = Path(os.environ.get("PERSONALIGN_CRASH_DIR") or tempfile.gettempdir())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"personalign-internal-error-{stamp}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"personalign {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(err)),
            encoding="utf-8",
        )
    except OSError:
        traceback.print_exception(err)  # nowhere to keep it: show it rather than lose it
        return "printed above"
    return f"in {path}"


class _Root(click.Group):
    """The root group: mounts the commands of COMMANDS when first asked for, and turns errors
    into exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name, _ = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(f"personalign.cli.{module}"), name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, with the short help of COMMANDS for those not yet imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        commands = {
            name: self.commands.get(name) or click.Command(name, help=COMMANDS[name][2]) for name in names
        }
        rows = [(name, c.get_short_help_str(limit)) for name, c in commands.items() if not c.hidden]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own usage errors (a bad option value, a missing argument) as one line too."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as err:
            hint = f" (see: {err.ctx.command_path} --help)" if err.ctx else ""
            click.echo(f"error: {err.format_message()}{hint}", err=True)
            sys.exit(EXIT_USER_ERROR)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UserError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(EXIT_USER_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise  # click's own usage errors exit 2, Ctrl-C exits 130
        except Exception as err:
            inspect_error = _inspect_prerequisite(err)
            if inspect_error is not None:
                click.echo(f"error: {inspect_error}", err=True)
                sys.exit(EXIT_USER_ERROR)
            kept = _keep_traceback(err)
            click.echo(
                f"internal error (a bug in personalign, not in your input): {type(err).__name__}: "
                f"{str(err).strip().splitlines()[0] if str(err).strip() else ''}; the traceback is {kept}",
                err=True,
            )
            sys.exit(EXIT_INTERNAL_ERROR)


@click.group(cls=_Root, epilog=EXIT_CODES)
@click.version_option(package_name="personalign")
def cli() -> None:
    """personalign: evaluate how well models act for one specific person."""


def main() -> None:
    cli()
