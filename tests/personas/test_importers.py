"""Each importer on a fixture in its format: what it keeps, infers and drops."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import DataFileError, load_personas
from personalign.personas._import_prism import import_prism_row, load_prism_rows
from personalign.personas._import_structured import import_openclaw, import_vcp
from personalign.personas._import_text import import_custom_instructions, import_hearth
from personalign.scorers import embed

FIXTURES = Path(__file__).parent / "fixtures"


def _rules(persona) -> dict[str, object]:
    return {wall.rule.type: wall.rule for wall in persona.walls if wall.rule}


def test_hearth_walls_garden_memory() -> None:
    result = import_hearth((FIXTURES / "hearth_opspec.txt").read_text(), embed, "dana")
    persona = result.persona
    assert persona.kind == "real" and persona.provenance.contains_pii
    assert len(persona.walls) == 4
    rules = _rules(persona)
    assert rules["max_words"].limit == 120
    assert rules["forbidden_phrases"].phrases == ["great question", "happy to help"]
    assert "no_exclamation_marks" in rules
    assert "Text after the block" not in persona.model_dump_json()  # outside the markers
    # The memory block, and the person's description past the summary, as facts.
    assert persona.facts == [
        "She is careful with money and plans a year ahead.",
        "Her kiln was replaced in March.",
        "She has two apprentices.",
    ]
    assert persona.summary.startswith("Dana runs a small ceramics studio")
    assert not any("careful with money" in p for p in persona.prescriptions)
    assert any("Give one next step" in p for p in persona.prescriptions)
    assert persona.values.source == "inferred" and persona.values.confidence is not None
    assert any("AFFECT COMPLEMENT" in d for d in result.report.dropped)
    assert any(note.startswith("inferred: values.weights") for note in persona.provenance.notes)


def test_custom_instructions_two_field_text_and_json() -> None:
    result = import_custom_instructions((FIXTURES / "custom_instructions.txt").read_text(), embed)
    persona = result.persona
    assert persona.name == "Tomas"
    assert persona.communication.verbosity == "terse" and persona.communication.formality == "formal"
    assert set(_rules(persona)) == {"no_emoji", "max_words"}
    assert "Give me the evidence before the opinion." in persona.prescriptions
    assert any("food bank" in fact for fact in persona.facts)
    from_json = import_custom_instructions((FIXTURES / "custom_instructions.json").read_text(), embed).persona
    assert "no_bullet_lists" in _rules(from_json)
    with pytest.raises(ValueError, match="about_user_message"):
        import_custom_instructions("{}", embed)
    with pytest.raises(ValueError, match="empty"):
        import_custom_instructions('{"about_user_message": "", "about_model_message": ""}', embed)


def test_openclaw_soul_and_user() -> None:
    result = import_openclaw(
        (FIXTURES / "openclaw" / "SOUL.md").read_text(),
        embed,
        (FIXTURES / "openclaw" / "USER.md").read_text(),
    )
    persona = result.persona
    assert persona.name == "Priya Raman" and persona.id.startswith("openclaw-priya-raman-")
    assert len(persona.walls) == 3 and "no_emoji" in _rules(persona)
    assert "Ask before spending money." in persona.prescriptions  # a boundary that is not a "never"
    assert "Timezone: Asia/Kolkata" in persona.facts
    assert persona.communication.tone.startswith("Calm, dry and brief")
    assert any("Continuity" in d for d in result.report.dropped)
    soul_only = import_openclaw((FIXTURES / "openclaw" / "SOUL.md").read_text(), embed)
    assert not soul_only.persona.provenance.contains_pii
    assert any("no USER.md" in d for d in soul_only.report.dropped)


def test_vcp_keeps_the_public_drops_the_private() -> None:
    context = json.loads((FIXTURES / "vcp_context.json").read_text())
    result = import_vcp(context, embed)
    persona = result.persona
    assert persona.id == "vcp-learner-0042" and persona.name == "Sam"
    assert persona.context.goals == ["play jazz guitar with friends"]
    assert "Constraint: time limited" in persona.facts and "Constraint: noise restricted" not in persona.facts
    assert persona.communication.tone == "encouraging"
    dump = persona.model_dump_json()
    assert "two young children" not in dump and "never leaves the device" not in dump
    assert {d.split(" ")[0] for d in result.report.dropped} >= {"private_context", "personal_state"}
    with pytest.raises(ValueError, match="public_profile"):
        import_vcp({"profile_id": "x"}, embed)


def test_prism_rows_from_a_local_file() -> None:
    rows = load_prism_rows(FIXTURES / "prism_survey.jsonl")
    assert len(rows) == 3 and len(load_prism_rows(FIXTURES / "prism_survey.jsonl", limit=2)) == 2
    retiree = import_prism_row(rows[0], embed).persona
    assert retiree.id == "prism-user9001" and retiree.name == retiree.id
    assert retiree.demographics.age == 65 and retiree.demographics.country == "New Zealand"
    assert "PRISM" in retiree.provenance.licence and "de-anonymisation" in retiree.provenance.licence
    assert retiree.provenance.contains_pii
    dump = retiree.model_dump_json()
    assert "Scotland" not in dump and "Male" not in dump  # birth place and gender are not kept
    assert "Rates factual accuracy at 95/100 in importance." in retiree.facts
    student = import_prism_row(rows[1], embed).persona
    assert set(student.values.ranked()[:3]) & {"stimulation", "hedonism", "self_direction"}
    empty = import_prism_row(rows[2], embed).persona
    assert empty.values.confidence == 0.0 and empty.demographics.age is None
    with pytest.raises(DataFileError, match=r"missing\.jsonl: no such file"):
        load_prism_rows(FIXTURES / "missing.jsonl")


def test_import_command_writes_valid_personas(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["personas", "import", "prism", str(FIXTURES / "prism_survey.jsonl"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "dropped: religion" in result.output
    assert len(load_personas(tmp_path)) == 3
    bad = tmp_path / "bad.json"
    bad.write_text('{"profile_id": "x"}')
    failed = runner.invoke(cli, ["personas", "import", "vcp", str(bad), "--out", str(tmp_path)])
    assert failed.exit_code == 2 and "public_profile" in failed.output
