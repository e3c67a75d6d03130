"""What a run leaves behind when things go wrong: no persona in another's log, no personal
data in the model input when asked, honest unscored counts, a failed run that says so, and
importers that list what they did not keep."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval

from personalign.cli import cli
from personalign.evals import personal_alignment
from personalign.personas import load_personas
from personalign.personas._import_structured import import_vcp
from personalign.reports import build_leaderboard
from personalign.reports._document import read_evals
from personalign.reports._fingerprint import fingerprint
from personalign.scorers import embed

if sys.version_info < (3, 14):
    import zipfile_zstd  # noqa: F401  (Inspect writes zstd members)


@pytest.fixture(scope="module")
def private_people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three bundled personas turned into people with names and contact details."""
    folder = tmp_path_factory.mktemp("private")
    for i, persona in enumerate(load_personas()[:3]):
        data = persona.model_dump(mode="json")
        data["provenance"]["contains_pii"] = True
        data["name"] = f"Zebulon{i} Quuxfield"
        data["facts"] = [*data["facts"], f"Write to zeb{i}@example.org or call +44 7700 900{i}00."]
        (folder / f"{persona.id}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def _members(log: Path) -> dict[str, str]:
    with zipfile.ZipFile(log) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def _run(people: Path, log_dir: Path, **args: object) -> Path:
    task = personal_alignment(
        personas=str(people),
        kinds="choice",
        measures="identity_coherence",
        scenarios_per_kind=1,
        epochs=1,
        **args,
    )
    [log] = inspect_eval(task, model="personalign-scripted/oracle", log_dir=str(log_dir), display="none")
    assert log.status == "success"
    return Path(log.location)


def test_a_sample_log_holds_its_own_persona_only_and_the_header_none(
    private_people: Path, tmp_path: Path
) -> None:
    members = _members(_run(private_people, tmp_path))
    secrets = {i: (f"Zebulon{i}", f"zeb{i}@example.org") for i in range(3)}
    for name in ("header.json", "_journal/start.json"):
        assert not any(s in members[name] for pair in secrets.values() for s in pair), name
    samples = {name: text for name, text in members.items() if name.startswith("samples/")}
    assert samples
    for text in samples.values():
        present = {i for i, pair in secrets.items() if any(s in text for s in pair)}
        assert len(present) <= 1  # the persona the model was asked for, and no other


def test_redact_input_keeps_personal_data_from_the_model_and_is_another_experiment(
    private_people: Path, tmp_path: Path
) -> None:
    plain = _run(private_people, tmp_path / "plain")
    redacted = _run(private_people, tmp_path / "redacted", redact_input=True)
    members = _members(redacted)
    assert not any("Zebulon" in text or "@example.org" in text for text in members.values())
    assert any("Zebulon" in t for n, t in _members(plain).items() if n.startswith("samples/"))
    (rows, _), (rows_r, _) = read_evals(tmp_path / "plain"), read_evals(tmp_path / "redacted")
    assert fingerprint(rows.iloc[0])["redact_input"] == "False"
    assert fingerprint(rows_r.iloc[0])["redact_input"] == "True"


def test_unscored_counts_count_each_sample_epoch_once_and_skip_what_is_by_design(tmp_path: Path) -> None:
    # Every scorer runs; every call fails; one epoch, so response variance is impossible by design.
    task = personal_alignment(max_personas=3, scenarios_per_kind=1, epochs=1)
    [log] = inspect_eval(task, model="personalign-scripted/error", log_dir=str(tmp_path), display="none")
    [cell] = build_leaderboard(tmp_path).cells
    assert cell.unscored_reasons == {"model_error": len(log.samples or [])}
    assert cell.unscored == len(log.samples or [])


def test_a_run_where_every_request_failed_exits_1_with_a_summary_line(tmp_path: Path) -> None:
    args = ["run", "--models", "personalign-scripted/error", "--strategies", "opspec", "--max-personas", "2"]
    args += ["--scenarios-per-kind", "1", "--epochs", "1", "--log-dir", str(tmp_path / "logs")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: no sample was scored (model_error: ")


def test_vcp_lists_every_key_it_does_not_keep() -> None:
    context = {
        "profile_id": "p1",
        "public_profile": {"display_name": "Sam", "goal": "learn", "favourite_colour": "green"},
        "constraints": {"time_limited": True, "max_paragraphs": 3},
        "x_vendor_notes": "imported from an app",
        "private_context": "my divorce",
        "availability": "weekday evenings after the kids are asleep",
    }
    result = import_vcp(context, embed)
    dropped = " ".join(result.report.dropped)
    for key in (
        "x_vendor_notes",
        "public_profile.favourite_colour",
        "constraints.max_paragraphs",
        "private_context",
    ):
        assert key in dropped
    # Free text where an object belongs is kept when it describes the person, never private text.
    assert "Availability: weekday evenings after the kids are asleep" in result.persona.facts
    assert "divorce" not in result.persona.model_dump_json()


def test_one_bad_log_does_not_hide_the_good_ones_unless_strict(tmp_path: Path) -> None:
    task = personal_alignment(
        kinds="choice", measures="value_fidelity", max_personas=3, scenarios_per_kind=1, epochs=1
    )
    [log] = inspect_eval(task, model="personalign-scripted/oracle", log_dir=str(tmp_path), display="none")
    assert log.status == "success"
    (tmp_path / "2026-01-01T00-00-00-00-00_personal-alignment_bad.eval").write_bytes(b"PK\x03\x04truncated")
    board = CliRunner().invoke(cli, ["leaderboard", str(tmp_path)])
    assert board.exit_code == 0, board.output
    assert "| personalign-scripted/oracle | opspec |" in board.output
    assert "Left out: 1 logs" in board.output and "_bad.eval: not a readable Inspect log" in board.output
    strict = CliRunner().invoke(cli, ["leaderboard", str(tmp_path), "--strict"])
    assert strict.exit_code == 2 and "1 logs are left out, and --strict refuses any" in strict.output
    # An output file's folder is made, whatever the format.
    out = tmp_path / "new" / "folder" / "board.csv"
    csv = CliRunner().invoke(cli, ["leaderboard", str(tmp_path), "--format", "csv", "--out", str(out)])
    assert csv.exit_code == 0 and out.read_text().startswith("model,")
