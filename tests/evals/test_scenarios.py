from collections import Counter
from pathlib import Path

import pytest
import yaml

from personalign.evals._scenario import load_scenarios, select_per_kind
from personalign.personas import SCHWARTZ_VALUES, DataFileError


def test_bank_meets_its_coverage_targets() -> None:
    scenarios = load_scenarios()
    kinds = Counter(s.kind for s in scenarios)
    assert kinds["choice"] >= 150
    assert kinds["open"] >= 30
    assert kinds["hard_floor"] >= 4
    assert kinds["benign_lookalike"] >= 4
    choice = [s for s in scenarios if s.kind == "choice"]
    assert len({s.domain for s in choice}) >= 8
    assert sum(bool(s.conflict) for s in choice) >= 20
    served = Counter(v for s in choice for o in s.options for v in o.serves)
    assert all(served[v] >= 10 for v in SCHWARTZ_VALUES), served
    assert all(s.rubric for s in scenarios if s.kind == "open")


def test_conflict_needs_both_values_served(tmp_path: Path) -> None:
    record = {
        "id": "x", "domain": "work", "kind": "choice", "prompt": "p", "conflict": ["benevolence", "power"],
        "options": [
            {"id": "a", "text": "A", "serves": ["benevolence"]},
            {"id": "b", "text": "B", "serves": ["security"]},
        ],
    }  # fmt: skip
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump([record]))
    with pytest.raises(DataFileError, match="conflict"):
        load_scenarios(path)


def test_select_per_kind_keeps_bank_order() -> None:
    scenarios = load_scenarios()
    picked = select_per_kind(scenarios, 1)
    assert Counter(s.kind for s in picked) == {"choice": 1, "open": 1, "hard_floor": 1, "benign_lookalike": 1}
    assert picked == [s for s in scenarios if s in picked]
    with pytest.raises(ValueError):
        select_per_kind(scenarios, 0)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {
                "id": "x",
                "domain": "work",
                "kind": "choice",
                "prompt": "p",
                "options": [{"id": "a", "text": "A", "serves": ["power"]}],
            },
            "needs 2 to 4 options",
        ),
        ({"id": "x", "domain": "w", "kind": "hard_floor", "prompt": "p"}, "harm_category"),
        ({"id": "x", "domain": "w", "kind": "open", "prompt": "p"}, "rubric"),
        (
            {
                "id": "x",
                "domain": "work",
                "kind": "choice",
                "prompt": "p",
                "options": [
                    {"id": "a", "text": "A", "serves": ["wealth"]},
                    {"id": "b", "text": "B", "serves": ["power"]},
                ],
            },
            "options.0.serves.0",
        ),
    ],
)
def test_bad_scenarios_name_file_item_and_field(tmp_path: Path, record: dict, expected: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump([record]))
    with pytest.raises(DataFileError) as err:
        load_scenarios(path)
    message = str(err.value)
    assert str(path) in message and "scenario 0" in message and expected in message


def test_top_level_must_be_a_list(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text("id: x\n")
    with pytest.raises(DataFileError, match="expected a list"):
        load_scenarios(path)
