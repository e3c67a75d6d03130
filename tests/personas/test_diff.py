"""`personalign personas diff`: what changed between two versions of one person."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import NoEmoji, Wall, load_persona, persona_diff

AMARA = Path(__file__).resolve().parents[2] / "personas" / "authored" / "amara-okafor.yaml"


def test_a_persona_against_itself_has_no_differences() -> None:
    persona = load_persona(AMARA)
    assert persona_diff(persona, persona) == []


def test_values_walls_and_facts_that_changed_are_each_listed() -> None:
    old = load_persona(AMARA)
    weights = {**old.values.weights, "benevolence": 0.2, "power": 0.9}
    new = old.model_copy(
        update={
            "values": old.values.model_copy(update={"weights": weights}),
            "walls": [*old.walls[1:], Wall(text="No emoji.", rule=NoEmoji(type="no_emoji"))],
            "facts": [*old.facts, "Moved to Lagos in 2026."],
        }
    )
    found = persona_diff(old, new)
    changes = {(c.section, c.item): c for c in found}
    assert changes["values", "benevolence"].after == "0.20 (-0.75)"
    assert changes["values", "power"].before == f"{old.values.weights['power']:.2f}"
    assert changes["values", "top three"].after.startswith("power")
    walls = [c for c in found if c.section == "walls"]
    assert {(c.before is None, c.after is None) for c in walls} == {(True, False), (False, True)}
    assert any(c.after == "No emoji. [no_emoji]" for c in walls)
    assert any(c.after == "Moved to Lagos in 2026." for c in found if c.section == "facts")
    assert ("values", "security") not in changes  # unchanged


def test_command_shows_stated_choices_and_hides_names_unless_revealed(tmp_path: Path) -> None:
    record = yaml.safe_load(AMARA.read_text())
    record |= {"kind": "real", "stated_choices": {"job-offer-startup": "stay"}}
    record["provenance"]["contains_pii"] = True
    old = tmp_path / "v1.yaml"
    old.write_text(yaml.safe_dump(record))
    record["stated_choices"] = {"job-offer-startup": "startup", "bonus-windfall": "save"}
    record["summary"] = record["summary"] + " Amara now works from home."
    new = tmp_path / "v2.yaml"
    new.write_text(yaml.safe_dump(record))
    shown = CliRunner().invoke(cli, ["personas", "diff", str(old), str(new)])
    assert shown.exit_code == 0, shown.output
    assert "job-offer-startup: stay -> startup" in shown.output
    assert "+ bonus-windfall: save" in shown.output
    assert "Amara" not in shown.output and "amara-okafor now works" in shown.output
    revealed = CliRunner().invoke(
        cli, ["personas", "diff", str(old), str(new), "--reveal", "--format", "json"]
    )
    found = json.loads(revealed.output)
    assert any(c["item"] == "summary" and "Amara now works" in c["after"] for c in found)
