"""persona_versions: does the choice follow what changed between two versions of a person?"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from inspect_ai import eval as inspect_eval

from personalign.evals import persona_versions
from personalign.evals.persona_versions import CHANGED
from personalign.personas import UserError

AMARA = Path(__file__).resolve().parents[2] / "personas" / "authored" / "amara-okafor.yaml"


def _versions(folder: Path) -> tuple[Path, Path]:
    """Amara as authored, and Amara after a year in which stimulation and self-direction
    came to matter most and security and tradition least."""
    record = yaml.safe_load(AMARA.read_text())
    old = folder / "v1.yaml"
    old.write_text(yaml.safe_dump(record))
    record["values"]["weights"] |= {
        "stimulation": 0.95,
        "self_direction": 0.9,
        "security": 0.1,
        "tradition": 0.1,
    }
    new = folder / "v2.yaml"
    new.write_text(yaml.safe_dump(record))
    return old, new


def _rates(model: str, old: Path, new: Path, folder: Path) -> dict[str, float]:
    # values_constitution states every value's level, which the oracle reads
    task = persona_versions(str(old), str(new), strategy="values_constitution", scenarios_per_kind=30)
    [log] = inspect_eval(task, model=f"personalign-scripted/{model}", log_dir=str(folder), display="none")
    assert log.status == "success" and log.results is not None
    return {name: m.value for score in log.results.scores for name, m in score.metrics.items()}


@pytest.mark.slow  # 6 to 9 s: keeps the plain run under 4 minutes; CI runs it
def test_an_oracle_follows_the_change_and_a_constant_model_does_not(tmp_path: Path) -> None:
    old, new = _versions(tmp_path)
    task = persona_versions(str(old), str(new), scenarios_per_kind=30)
    roles = [s.metadata["counterfactual_role"] for s in task.dataset if s.metadata]
    assert roles.count(CHANGED) >= 5 and roles.count("base") == len(roles) // 2
    oracle = _rates("oracle", old, new, tmp_path)
    constant = _rates("constant", old, new, tmp_path)
    assert oracle["flip_rate"] >= 0.8 and oracle["stay_rate"] >= 0.9
    assert constant["flip_rate"] == 0.0 and constant["stay_rate"] == 1.0


def test_two_different_people_or_a_stated_choice_of_no_option_are_user_errors(tmp_path: Path) -> None:
    old, _ = _versions(tmp_path)
    other = Path(__file__).resolve().parents[2] / "personas" / "authored" / "jonas-weber.yaml"
    with pytest.raises(UserError, match="two versions of one person"):
        persona_versions(str(old), str(other))
    record = yaml.safe_load(AMARA.read_text()) | {
        "kind": "real",
        "stated_choices": {"job-offer-startup": "moon"},
    }
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump(record))
    with pytest.raises(UserError, match=r"stated_choices\['job-offer-startup'\] is 'moon', expected one of"):
        persona_versions(str(old), str(wrong))
