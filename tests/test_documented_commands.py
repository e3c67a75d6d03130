"""Every `personalign ...` and `inspect eval ...` line in the README and docs/ runs.

Each document's command lines run in order, in a scratch folder of its own that links the
checkout's data folders (so `personas/authored` and `tests/personas/fixtures/...` resolve as they do in
a checkout), as a user would paste them. So that they run offline and in seconds, each line
is rewritten by these rules, and only these:
- every model (`--model`, `--models`, `--model-role NAME=`) becomes a scripted model, and the
  flags that point at a live endpoint (`--model-base-url`, `--model-arg`) are dropped;
- sizes shrink: `inspect eval` gets `--limit 2`; `personalign run` runs 2 personas, 1 scenario
  per kind, 2 epochs and at most 2 items of each side task; `personas generate` makes 12;
  and the log directory of a run defaults to `logs/personalign`, as in a checkout.
Five kinds of line are skipped, and listed as skipped: a server that runs until it is stopped;
`validate-metrics` and `elicit-check`, whose checks tests/evals/test_validate_metrics.py
and tests/evals/test_elicit_session.py run at a size that fits a test (at any size a 95%
interval misses about one time in twenty by design); and a run on a GPU model (`vllm/...`),
which needs a CUDA GPU and vllm: tests/evals/test_vllm_smoke.py runs that configuration where
they are (rewritten to a scripted model, the line would check nothing of it); and a line with
a log directory on object storage (`s3://...`), which needs a server: tests/test_shards.py runs
shards into a local S3-compatible one.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SCRIPTED = ("personalign-scripted/oracle", "personalign-scripted/random")
ENDPOINT_FLAGS = ("--model-base-url", "--model-arg")
SKIPPED = {
    "personalign reference-product": "a server, which runs until stopped",
    "personalign validate-metrics": "run by tests/evals/test_validate_metrics.py",
    "personalign elicit-check": "run by tests/evals/test_elicit_session.py",
}
# Providers whose models need a GPU: a line that runs one is skipped with this reason.
GPU_PROVIDERS = {
    "vllm/": "a GPU model: needs a CUDA GPU and vllm; run by tests/evals/test_vllm_smoke.py where they are",
}
# Log directories on object storage: a line that names one is skipped with this reason.
REMOTE_LOG_DIRS = {
    "s3://": "a log directory on object storage: tests/test_shards.py runs shards into a local S3 server",
}
# The folders a documented path may name, linked into the scratch folder.
CHECKOUT_FOLDERS = ("evals", "personas", "scorers", "reports", "cli", "tests")
# Sizes for `personalign run`: option -> the value it gets (a smaller documented one stays).
RUN_SIZES = {
    "--max-personas": 2,
    "--scenarios-per-kind": 1,
    "--epochs": 2,
    "--limit": 2,
    "--counterfactual-pairs": 4,
    "--token-steering-prompts": 2,
    "--safety-floor": 1,
}


def documented_commands(path: Path) -> list[str]:
    """The command lines of `path`'s shell blocks, in order."""
    # Every fenced block, whatever its language, so a ```text block's closing fence is never
    # taken for the opening of the next; then only the shell blocks.
    fenced = re.findall(r"```([\w-]*)\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    blocks = [body for language, body in fenced if language in ("", "bash", "sh", "shell", "console")]
    lines = (line.strip().removeprefix("$ ") for block in blocks for line in block.splitlines())
    return [line for line in lines if line.startswith(("personalign ", "inspect eval "))]


def skip_reason(line: str) -> str | None:
    """Why a documented line is not run here (None: it runs)."""
    if reason := next((why for start, why in SKIPPED.items() if line.startswith(start)), None):
        return reason
    if reason := next((why for scheme, why in REMOTE_LOG_DIRS.items() if scheme in line), None):
        return reason
    args = shlex.split(line)
    models = [
        model
        for at, arg in enumerate(args[:-1])
        if arg in ("--model", "--models")
        for model in args[at + 1].split(",")
    ]
    return next((why for prefix, why in GPU_PROVIDERS.items() for m in models if m.startswith(prefix)), None)


def _option(args: list[str], name: str) -> int | None:
    return args.index(name) if name in args else None


def _set(args: list[str], name: str, value: object, keep_smaller: bool = True) -> None:
    at = _option(args, name)
    if at is None:
        args += [name, str(value)]
    elif not (keep_smaller and 0 <= int(args[at + 1]) <= int(str(value))):
        args[at + 1] = str(value)


def offline_form(line: str) -> list[str]:
    """The line's arguments, rewritten by the rules in this module's docstring."""
    args = shlex.split(line)
    for flag in ENDPOINT_FLAGS:
        while (at := _option(args, flag)) is not None:
            del args[at : at + 2]
    for flag in ("--model", "--models"):
        if (at := _option(args, flag)) is not None:
            count = len(args[at + 1].split(","))
            args[at + 1] = ",".join(SCRIPTED[i % len(SCRIPTED)] for i in range(count))
    for at, arg in enumerate(args):
        if arg == "--model-role":
            role = args[at + 1].partition("=")[0]
            args[at + 1] = f"{role}={SCRIPTED[0]}"
    if args[:2] == ["inspect", "eval"]:
        _set(args, "--limit", 2)
    elif args[:2] == ["personalign", "run"]:
        if _option(args, "--models") is None:
            args += ["--models", SCRIPTED[0]]
        for name, value in RUN_SIZES.items():
            if name in ("--max-personas", "--scenarios-per-kind", "--epochs", "--limit") or name in args:
                _set(args, name, value, keep_smaller=name != "--safety-floor")
        args += ["--display", "none"]
    elif args[:3] == ["personalign", "personas", "generate"]:
        _set(args, "--n", 12, keep_smaller=False)
    return args


def test_the_rules_rewrite_models_endpoints_and_sizes() -> None:
    args = offline_form(
        "personalign run --models litellm/openai/x,openai/y --model-base-url http://h/v1 "
        "--model-arg timeout=60 --strategies product --max-personas 12 --safety-floor -1"
    )
    assert args[args.index("--models") + 1] == ",".join(SCRIPTED)
    assert not set(ENDPOINT_FLAGS) & set(args) and "timeout=60" not in args
    assert args[args.index("--max-personas") + 1] == "2" and args[args.index("--safety-floor") + 1] == "1"
    inspect_args = offline_form("inspect eval personalign/x --model openai/gpt-4o --model-role grader=a/b")
    assert inspect_args[-2:] == ["--limit", "2"] and f"grader={SCRIPTED[0]}" in inspect_args


def workspace(root: Path) -> Path:
    """A scratch folder with the checkout's folders linked in, and logs for the leaderboard
    examples that follow no run of their own."""
    for name in CHECKOUT_FOLDERS:
        (root / name).symlink_to(REPO / name, target_is_directory=True)
    seeded = _run(
        "personalign run --models personalign-scripted/oracle --strategies none,opspec "
        "--log-dir logs/personalign",
        root,
    )
    assert seeded[0] == 0, seeded[1]
    return root


def _run(line: str, cwd: Path) -> tuple[int, str]:
    args = offline_form(line)
    if args[0] == "inspect":
        env = {**os.environ, "INSPECT_LOG_DIR": str(cwd / "logs" / "inspect"), "INSPECT_DISPLAY": "none"}
        inspect = Path(sys.executable).with_name("inspect")
        done = subprocess.run(
            [str(inspect), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )
        return done.returncode, done.stdout + done.stderr
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, args[1:])
    finally:
        os.chdir(previous)
    return result.exit_code, result.output + (repr(result.exception) if result.exception else "")


# Minutes on 2 cores (every documented run, and a fresh `inspect` process per eval line).
@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_documented_command_runs(document: Path, tmp_path: Path) -> None:
    # One folder per document, as a user follows one page: runs there share logs/personalign.
    folder = workspace(tmp_path)
    failures, skipped = [], []
    for line in documented_commands(document):
        if reason := skip_reason(line):
            skipped.append(f"{line} ({reason})")
            continue
        code, output = _run(line, folder)
        if code != 0:
            failures.append(f"{line}\n  -> {shlex.join(offline_form(line))}\n  exit {code}: {output[-1500:]}")
    assert not failures, "\n\n".join(failures)
    if skipped:
        pytest.skip(f"{len(skipped)} line(s) not run here: {skipped}")


def test_a_gpu_model_line_is_skipped_with_its_reason_and_others_are_not() -> None:
    documented = [line for d in DOCUMENTS for line in documented_commands(d) if "vllm/" in line]
    assert documented, "docs/tasks.md documents a vllm/ run"
    assert all(skip_reason(line) == GPU_PROVIDERS["vllm/"] for line in documented)
    assert skip_reason("personalign run --models personalign/smollm2,openai/gpt-4o") is None
    assert skip_reason("inspect eval personalign/personal_alignment --model vllm/some/folder")


def test_the_docs_hold_commands_to_check() -> None:
    # A regex that stopped matching would pass every document vacuously.
    assert sum(len(documented_commands(d)) for d in DOCUMENTS) >= 30
