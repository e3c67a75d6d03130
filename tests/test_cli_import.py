"""What `personalign` imports before a command runs: `personalign --help` and the root group load
no model, Inspect or pandas, and the package names they defer still resolve."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from personalign.cli.main import COMMANDS, EXIT_CODES, cli

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("inspect_ai", "torch", "transformers", "pandas", "sentence_transformers", "matplotlib", "numpy")
DEFERRED = ("personalign.evals.", "personalign.reports.", "personalign.scorers.")
PACKAGES = ("personas", "reports", "evals", "scorers")


def _loaded_after(code: str, deferred: tuple[str, ...] = DEFERRED) -> list[str]:
    """The heavy modules, and the personalign modules starting with `deferred`, that `code`
    has loaded, run in a fresh process."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        f"or m.startswith({deferred!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_nothing_heavy() -> None:
    loaded = _loaded_after("import personalign.cli.main")
    assert not loaded, f"imported by personalign.cli.main: {loaded}"


def test_the_root_help_lists_every_command_and_imports_none() -> None:
    code = (
        "import contextlib, io\nfrom personalign.cli.main import cli\nout = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    cli(['--help'], prog_name='personalign')\n"
        f"assert all(name in out.getvalue() for name in {sorted(COMMANDS)!r}), out.getvalue()"
    )
    command_modules = tuple(f"personalign.cli.{module}" for module, _, _ in COMMANDS.values())
    loaded = _loaded_after(code, DEFERRED + command_modules)
    assert not loaded, f"imported by personalign --help: {loaded}"


def _real(name: str) -> click.Command:
    module, attribute, _ = COMMANDS[name]
    command = getattr(importlib.import_module(f"personalign.cli.{module}"), attribute)
    assert isinstance(command, click.Command)
    return command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_table_matches_each_command(name: str) -> None:
    command = _real(name)
    assert command.name == name
    assert COMMANDS[name][2] == command.get_short_help_str(limit=10**6)


def test_every_command_module_command_is_in_the_table() -> None:
    """A command added to cli/ but not to COMMANDS would be missing from `personalign`."""
    listed = {(module, attribute) for module, attribute, _ in COMMANDS.values()}
    for path in sorted((REPO / "cli").glob("*.py")):
        if path.stem.startswith("_") or path.stem == "main":
            continue
        module = importlib.import_module(f"personalign.cli.{path.stem}")
        commands = {n: c for n, c in vars(module).items() if isinstance(c, click.Command)}
        subcommands = {
            id(sub) for c in commands.values() if isinstance(c, click.Group) for sub in c.commands.values()
        }
        for attribute, command in commands.items():
            if id(command) not in subcommands:
                assert (path.stem, attribute) in listed, f"cli/{path.name}: {attribute} is not in COMMANDS"


@pytest.mark.parametrize("width", [80, 50, 120])
def test_the_root_help_reads_as_if_every_command_were_imported(width: int) -> None:
    lazy = type(cli)(name=cli.name, params=cli.params, help=cli.help, epilog=EXIT_CODES)
    eager = click.Group(name=cli.name, params=cli.params, help=cli.help, epilog=EXIT_CODES)
    for name in COMMANDS:
        eager.add_command(_real(name), name)

    def text(group: click.Group) -> str:
        return group.get_help(click.Context(group, info_name="personalign", terminal_width=width))

    assert text(lazy) == text(eager)
    assert not lazy.commands  # listed from the table, none imported


def test_user_error_is_one_class_wherever_it_is_imported_from() -> None:
    from personalign.personas import UserError
    from personalign.personas._errors import UserError as defined

    assert UserError is defined
    assert not _loaded_after("from personalign.personas import UserError")


def _type_checking_imports(package: str) -> dict[str, str]:
    """Name -> submodule of the imports a package's __init__ makes for type checkers only."""
    tree = ast.parse((REPO / package / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    found = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names:
            found[alias.asname or alias.name] = node.module.removeprefix(f"personalign.{package}.")
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_defers_exactly_its_public_names(package: str) -> None:
    module = importlib.import_module(f"personalign.{package}")
    exports: dict[str, str] = module._EXPORTS
    assert sorted(exports) == sorted(module.__all__)
    assert _type_checking_imports(package) == exports
    for name, submodule in exports.items():
        defined = importlib.import_module(f"personalign.{package}.{submodule}")
        assert getattr(module, name) is getattr(defined, name)
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_a_task_keeps_its_name_on_the_package_when_its_module_is_imported_first() -> None:
    # The import system binds `personalign.evals.personal_alignment` to the module it loads;
    # the package keeps the task there, as an eager __init__ did.
    code = (
        "import personalign.evals.personal_alignment, personalign.evals._registry\n"
        "import personalign.evals as evals\n"
        "from personalign.evals import safety_floor\n"
        "names = ['conversation_stability', 'counterfactual_fidelity', 'persona_versions',\n"
        "         'personal_alignment', 'safety_floor', 'token_steering']\n"
        "assert all(callable(getattr(evals, n)) and type(getattr(evals, n)).__name__ == 'function'\n"
        "           for n in names), [getattr(evals, n) for n in names]\n"
        "assert safety_floor is evals._registry.safety_floor\n"
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
