"""The matrix of bad input: every loader, importer, command and report reader, given input a
user could give it by mistake, exits 2 with one line that names the input, and no traceback.

Each case is a command line; `{d}` is a folder of bad files made once for the module. The
second item is what the error line must contain: the input it blames (a file, an option or
a log directory), so a user knows what to fix.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import MAX_INPUT_BYTES

PERSONA = "amara-okafor"  # a bundled persona, for commands that need a good one


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    files: dict[str, str | bytes] = {
        "binary.yaml": binary,
        "latin1.yaml": "id: jos\xe9\nname: Jos\xe9\n".encode("latin-1"),
        "empty.yaml": "",
        "unclosed.yaml": "id: [unclosed\nname: x\n",
        "list.yaml": "- a\n- b\n",
        "partial.yaml": "id: someone\n",
        "two-bad/a.yaml": "id: a\n",
        "two-bad/b.yaml": "- not a mapping\n",
        "no-personas/readme.txt": "nothing here",
        "hearth-chat.txt": "Hi! Can you help me plan a birthday party for my son?",
        "soul-prose.md": "I like long walks and quiet evenings.",
        "ci-other.json": json.dumps({"name": "Tomas", "notes": "hello"}),
        "ci-array.json": "[1, 2, 3]",
        "ci-broken.json": '{"about_user_message": "x",',
        "ci-empty-fields.json": json.dumps({"about_user_message": "", "about_model_message": ""}),
        "vcp-broken.json": "{",
        "vcp-array.json": "[]",
        "vcp-no-public.json": json.dumps({"profile_id": "x"}),
        "vcp-public-text.json": json.dumps({"profile_id": "x", "public_profile": "a learner"}),
        "vcp-no-id.json": json.dumps({"public_profile": {"display_name": "X"}}),
        "prism-empty.jsonl": "",
        "prism-blank.jsonl": "\n\n  \n",
        "prism-bad-line.jsonl": '{"user_id": "a"}\nnot json\n',
        "prism-foreign.jsonl": '{"sku": 1, "price": 2}\n',
        "prism-numbers.jsonl": "[1, 2]\n",
        "prism-fake.parquet": "this is not parquet",
        "prism-binary.jsonl": binary,
        "baseline-empty.json": "",
        "baseline-broken.json": "{",
        "baseline-foreign.json": json.dumps({"cells": "none"}),
        "baseline-no-cells.json": json.dumps(
            {"suite_version": "0", "created": "now", "log_dir": "x", "cells": []}
        ),
        "labels-foreign.yaml": "responses: 3\n",
        "labels-bad-label.yaml": (
            "responses:\n  - {id: a, request_kind: ordinary, request: r, reply: x, label: maybe}\n"
        ),
        "scenarios-mapping.yaml": "id: x\n",
        "scenarios-field.yaml": "- id: x\n  kind: choice\n",
        "template-syntax.j2": "{% if %}",
        "template-undefined.j2": "{{ nobody_knows }}",
        "template-binary.j2": binary,
        "a-file": "not a folder",
        "logs-empty/.keep": "",
        "logs-corrupt/2026-01-01T00-00-00-00-00_personal-alignment_x.eval": "not a zip",
        "logs-truncated/2026-01-01T00-00-00-00-00_personal-alignment_y.eval": b"PK\x03\x04" + b"\x00" * 40,
        "logs-json/2026-01-01T00-00-00-00-00_personal-alignment_z.json": "{not json",
        "soul-ok.md": "## Core Truths\nBe honest.\n",
    }
    for name, content in files.items():
        _write(folder, name, content)
    from inspect_ai import eval as inspect_eval

    from personalign.evals import personal_alignment

    run = personal_alignment(
        kinds="choice", measures="value_fidelity", max_personas=3, scenarios_per_kind=1, epochs=1
    )
    [log] = inspect_eval(
        run, model="personalign-scripted/oracle", log_dir=str(folder / "logs-ok"), display="none"
    )
    assert log.status == "success"
    # Over the size limit without writing it: a sparse file.
    with (folder / "huge.txt").open("wb") as huge:
        huge.truncate(MAX_INPUT_BYTES + 1)
    return folder


IMPORT = ["personas", "import"]
OUT = ["--out", "{d}/imported"]
LOGS_OK = "{d}/logs-ok"  # a finished run, so that only the baseline is wrong

CASES: list[tuple[str, list[str], str]] = [
    # persona loaders (validate, list, show, render)
    ("persona binary", ["personas", "validate", "{d}/binary.yaml"], "binary.yaml: is a binary file"),
    ("persona latin-1", ["personas", "validate", "{d}/latin1.yaml"], "latin1.yaml: is not UTF-8"),
    ("persona empty", ["personas", "validate", "{d}/empty.yaml"], "empty.yaml"),
    ("persona bad yaml", ["personas", "validate", "{d}/unclosed.yaml"], "unclosed.yaml: is not valid YAML"),
    ("persona a list", ["personas", "validate", "{d}/list.yaml"], "list.yaml"),
    ("persona fields missing", ["personas", "validate", "{d}/partial.yaml"], "partial.yaml: field"),
    ("persona missing file", ["personas", "validate", "{d}/nope.yaml"], "nope.yaml: does not exist"),
    ("persona folder, 2 bad", ["personas", "validate", "{d}/two-bad"], "2 of 2 persona files are not valid"),
    (
        "persona folder, none",
        ["personas", "validate", "{d}/no-personas"],
        "no-personas: holds no persona files",
    ),
    ("persona too large", ["personas", "validate", "{d}/huge.txt"], "huge.txt: is 50.0 MiB, over the 50 MiB"),
    ("list bad folder", ["personas", "list", "{d}/two-bad"], "persona files are not valid"),
    ("show unknown id", ["personas", "show", "nobody"], "no persona 'nobody'"),
    ("show from binary", ["personas", "show", PERSONA, "--from", "{d}/binary.yaml"], "binary.yaml"),
    ("render unknown strategy", ["personas", "render", PERSONA, "--strategy", "bogus"], "--strategy"),
    ("render missing template", ["personas", "render", PERSONA, "--strategy", "{d}/no.j2"], "no.j2"),
    (
        "render template syntax",
        ["personas", "render", PERSONA, "--strategy", "{d}/template-syntax.j2"],
        "template-syntax.j2: line 1: not a valid jinja2 template",
    ),
    (
        "render template undefined",
        ["personas", "render", PERSONA, "--strategy", "{d}/template-undefined.j2"],
        "template-undefined.j2: the template cannot be rendered",
    ),
    (
        "render template binary",
        ["personas", "render", PERSONA, "--strategy", "{d}/template-binary.j2"],
        "template-binary.j2: is a binary file",
    ),
    ("generate zero", ["personas", "generate", "--n", "0", *OUT], "--n"),
    # importers
    *(
        (f"import {fmt} {what}", [*IMPORT, fmt, f"{{d}}/{name}", *OUT], name)
        for fmt in ("hearth", "custom_instructions", "openclaw", "vcp", "prism")
        for what, name in (("binary", "binary.yaml"), ("empty", "empty.yaml"), ("too large", "huge.txt"))
    ),
    ("import latin-1", [*IMPORT, "hearth", "{d}/latin1.yaml", *OUT], "latin1.yaml: is not UTF-8"),
    (
        "import hearth chat",
        [*IMPORT, "hearth", "{d}/hearth-chat.txt", *OUT],
        "hearth-chat.txt: not a Hearth operating specification",
    ),
    (
        "import openclaw prose",
        [*IMPORT, "openclaw", "{d}/soul-prose.md", *OUT],
        "soul-prose.md: not an OpenClaw",
    ),
    (
        "import openclaw user binary",
        [*IMPORT, "openclaw", "{d}/soul-ok.md", "--user", "{d}/binary.yaml", *OUT],
        "binary.yaml: is a binary file",
    ),
    (
        "import ci foreign json",
        [*IMPORT, "custom_instructions", "{d}/ci-other.json", *OUT],
        "about_user_message",
    ),
    ("import ci array", [*IMPORT, "custom_instructions", "{d}/ci-array.json", *OUT], "ci-array.json"),
    ("import ci broken json", [*IMPORT, "custom_instructions", "{d}/ci-broken.json", *OUT], "not valid JSON"),
    ("import ci empty fields", [*IMPORT, "custom_instructions", "{d}/ci-empty-fields.json", *OUT], "empty"),
    (
        "import vcp broken",
        [*IMPORT, "vcp", "{d}/vcp-broken.json", *OUT],
        "vcp-broken.json: is not valid JSON",
    ),
    ("import vcp array", [*IMPORT, "vcp", "{d}/vcp-array.json", *OUT], "expected a JSON object"),
    ("import vcp no public", [*IMPORT, "vcp", "{d}/vcp-no-public.json", *OUT], "'public_profile' is missing"),
    ("import vcp public text", [*IMPORT, "vcp", "{d}/vcp-public-text.json", *OUT], "must be an object"),
    ("import vcp no id", [*IMPORT, "vcp", "{d}/vcp-no-id.json", *OUT], "field 'profile_id' is missing"),
    ("import prism blank", [*IMPORT, "prism", "{d}/prism-blank.jsonl", *OUT], "prism-blank.jsonl"),
    (
        "import prism bad line",
        [*IMPORT, "prism", "{d}/prism-bad-line.jsonl", *OUT],
        "line 2 is not valid JSON",
    ),
    (
        "import prism foreign",
        [*IMPORT, "prism", "{d}/prism-foreign.jsonl", *OUT],
        "no row has a PRISM survey field",
    ),
    ("import prism numbers", [*IMPORT, "prism", "{d}/prism-numbers.jsonl", *OUT], "expected a JSON object"),
    (
        "import prism fake parquet",
        [*IMPORT, "prism", "{d}/prism-fake.parquet", *OUT],
        "is not a parquet file",
    ),
    ("import prism limit 0", [*IMPORT, "prism", "{d}/prism-foreign.jsonl", "--limit", "0", *OUT], "--limit"),
    ("import unknown format", [*IMPORT, "nope", "{d}/soul-ok.md", *OUT], "FORMAT"),
    ("import missing file", [*IMPORT, "hearth", "{d}/missing.txt", *OUT], "missing.txt"),
    # scenarios
    ("scenarios binary", ["scenarios", "validate", "{d}/binary.yaml"], "binary.yaml: is a binary file"),
    ("scenarios a mapping", ["scenarios", "validate", "{d}/scenarios-mapping.yaml"], "expected a list"),
    (
        "scenarios fields",
        ["scenarios", "validate", "{d}/scenarios-field.yaml"],
        "scenarios-field.yaml: scenario 0",
    ),
    ("scenarios missing", ["scenarios", "validate", "{d}/none.yaml"], "none.yaml: does not exist"),
    (
        "expect unknown scenario",
        ["scenarios", "expect", "--persona", PERSONA, "--scenario", "nope"],
        "--scenario",
    ),
    (
        "expect binary persona",
        ["scenarios", "expect", "--persona", "{d}/binary.yaml", "--scenario", "x"],
        "binary",
    ),
    # run: every option checked before any work starts
    ("run epochs 0", ["run", "--epochs", "0"], "'--epochs'"),
    ("run negative personas", ["run", "--max-personas", "-1"], "'--max-personas'"),
    ("run scenarios 0", ["run", "--scenarios-per-kind", "0"], "'--scenarios-per-kind'"),
    ("run max tokens 0", ["run", "--max-tokens", "0"], "'--max-tokens'"),
    ("run limit 0", ["run", "--limit", "0"], "'--limit'"),
    ("run safety floor -2", ["run", "--safety-floor", "-2"], "'--safety-floor'"),
    ("run negative pairs", ["run", "--counterfactual-pairs", "-3"], "'--counterfactual-pairs'"),
    ("run unknown provider", ["run", "--models", "nosuch/model"], "unknown model provider 'nosuch'"),
    ("run model without provider", ["run", "--models", "gpt-4o"], "expected PROVIDER/MODEL"),
    ("run unknown strategy", ["run", "--strategies", "opspec,bogus"], "unknown strategy 'bogus'"),
    ("run empty strategy", ["run", "--strategies", "opspec,"], "'--strategies'"),
    ("run log dir under a file", ["run", "--log-dir", "{d}/a-file/logs"], "'--log-dir'"),
    ("run display", ["run", "--display", "fancy"], "'--display'"),
    ("run connections 0", ["run", "--max-connections", "0"], "'--max-connections'"),
    ("run timeout 0", ["run", "--timeout", "0"], "'--timeout'"),
    ("run unknown option", ["run", "--epoch", "2"], "--epoch"),
    # leaderboard
    ("board missing dir", ["leaderboard", "{d}/no-logs"], "no-logs"),
    ("board empty dir", ["leaderboard", "{d}/logs-empty"], "logs-empty"),
    ("board corrupt log", ["leaderboard", "{d}/logs-corrupt"], "not a readable Inspect log"),
    ("board truncated log", ["leaderboard", "{d}/logs-truncated"], "not a readable Inspect log"),
    ("board json log", ["leaderboard", "{d}/logs-json"], "not a readable Inspect log"),
    ("board format", ["leaderboard", "{d}/logs-empty", "--format", "xml"], "'--format'"),
    ("board no dir", ["leaderboard"], "LOG_DIR"),
    (
        "board out under a file",
        ["leaderboard", "{d}/logs-corrupt", "--out", "{d}/a-file/b.csv"],
        "logs-corrupt",
    ),
    # baseline and gate
    ("baseline missing dir", ["baseline", "{d}/no-logs", "--out", "{d}/b.json"], "logs {d}/no-logs"),
    ("baseline empty dir", ["baseline", "{d}/logs-empty", "--out", "{d}/b.json"], "logs {d}/logs-empty"),
    (
        "baseline corrupt",
        ["baseline", "{d}/logs-corrupt", "--out", "{d}/b.json"],
        "not a readable Inspect log",
    ),
    (
        "gate baseline missing",
        ["gate", "--baseline", "{d}/no.json", "--logs", LOGS_OK],
        "baseline {d}/no.json",
    ),
    ("gate baseline empty", ["gate", "--baseline", "{d}/baseline-empty.json", "--logs", LOGS_OK], "is empty"),
    (
        "gate baseline broken",
        ["gate", "--baseline", "{d}/baseline-broken.json", "--logs", LOGS_OK],
        "not JSON",
    ),
    (
        "gate baseline binary",
        ["gate", "--baseline", "{d}/binary.yaml", "--logs", LOGS_OK],
        "baseline {d}/binary",
    ),
    (
        "gate baseline foreign",
        ["gate", "--baseline", "{d}/baseline-foreign.json", "--logs", LOGS_OK],
        "is not a personalign baseline",
    ),
    (
        "gate baseline no cells",
        ["gate", "--baseline", "{d}/baseline-no-cells.json", "--logs", LOGS_OK],
        "holds no cells",
    ),
    (
        "gate max drop",
        ["gate", "--baseline", "{d}/no.json", "--logs", LOGS_OK, "--max-drop", "speed=1"],
        "--max-drop: 'speed=1'",
    ),
    (
        "gate detect 0",
        ["gate", "--baseline", "{d}/no.json", "--logs", LOGS_OK, "--detect", "value_fidelity=0"],
        "--detect: 'value_fidelity=0'",
    ),
    ("gate no baseline option", ["gate", "--logs", LOGS_OK], "'--baseline'"),
    # refusal-check
    ("labels binary", ["refusal-check", "--data", "{d}/binary.yaml"], "binary.yaml: is a binary file"),
    ("labels foreign", ["refusal-check", "--data", "{d}/labels-foreign.yaml"], "'responses' list"),
    (
        "labels bad label",
        ["refusal-check", "--data", "{d}/labels-bad-label.yaml"],
        "response 0: field 'label'",
    ),
    ("labels missing", ["refusal-check", "--data", "{d}/none.yaml"], "none.yaml"),
]


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize(("args", "named"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_one_line_naming_it(
    d: Path, args: list[str], named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSONALIGN_CRASH_DIR", str(tmp_path / "crashes"))
    result = CliRunner().invoke(cli, [a.replace("{d}", str(d)) for a in args])
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert "Traceback" not in result.output
    assert not (tmp_path / "crashes").exists(), result.output  # no internal error
    assert result.exit_code == 2, result.output
    errors = _errors(result.output)
    assert len(errors) == 1, result.output
    assert named.replace("{d}", str(d)) in result.output, result.output


def test_the_matrix_is_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


def test_an_internal_error_exits_3_and_keeps_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from personalign.cli import personas as personas_module

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(personas_module, "load_personas", broken)
    monkeypatch.setenv("PERSONALIGN_CRASH_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["personas", "list"])
    assert result.exit_code == 3, result.output
    [kept] = list(tmp_path.glob("personalign-internal-error-*.txt"))
    assert "RuntimeError: a bug" in kept.read_text() and "Traceback" in kept.read_text()
    assert str(kept) in result.output and "Traceback" not in result.output


def test_the_help_states_the_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "2 an input to fix" in text and "3 an internal error" in text


def test_a_real_process_prints_one_line_and_exits_2(d: Path, tmp_path: Path) -> None:
    """The installed command, not the test runner: what a user's shell sees."""
    import subprocess

    env = {**os.environ, "PERSONALIGN_CRASH_DIR": str(tmp_path)}
    done = subprocess.run(
        ["personalign", "personas", "validate", str(d / "binary.yaml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"error: {d / 'binary.yaml'}: is a binary file, expected a YAML or JSON file"
    ]
