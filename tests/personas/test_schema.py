from pathlib import Path

import pytest
import yaml

from personalign.personas import SCHWARTZ_VALUES, DataFileError, Persona, load_persona, load_personas

BUNDLED = Path(__file__).resolve().parents[2] / "personas" / "authored"


def _valid_record() -> dict:
    return yaml.safe_load((BUNDLED / "amara-okafor.yaml").read_text())


def test_bundled_personas_are_valid_and_varied() -> None:
    personas = load_personas()
    assert len(personas) >= 6
    top_values = {p.values.ranked()[0] for p in personas}
    assert len(top_values) >= 6, "personas should have clearly different top values"
    styles = {
        (p.communication.verbosity, p.communication.formality, p.communication.format) for p in personas
    }
    assert len(styles) >= 4
    for persona in personas:
        assert set(persona.values.weights) == set(SCHWARTZ_VALUES)
        assert persona.rules(), f"{persona.id} has no machine-checkable wall"
        assert persona.provenance.licence


def test_centred_weights_sum_to_zero() -> None:
    persona = Persona.model_validate(_valid_record())
    assert sum(persona.values.centred().values()) == pytest.approx(0.0, abs=1e-9)


def _write(tmp_path: Path, record: dict, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(record))
    return path


def test_bad_weight_names_file_and_field(tmp_path: Path) -> None:
    record = _valid_record()
    record["values"]["weights"]["power"] = "high"
    path = _write(tmp_path, record)
    with pytest.raises(DataFileError) as err:
        load_persona(path)
    message = str(err.value)
    assert str(path) in message
    assert "values.weights.power" in message
    assert "'high'" in message


def test_missing_value_and_unknown_key_are_reported(tmp_path: Path) -> None:
    record = _valid_record()
    del record["values"]["weights"]["tradition"]
    record["favourite_colour"] = "blue"
    with pytest.raises(DataFileError) as err:
        load_persona(_write(tmp_path, record))
    message = str(err.value)
    assert "tradition" in message and "all ten are required" in message
    assert "favourite_colour" in message


def test_out_of_range_weight_and_bad_rule(tmp_path: Path) -> None:
    record = _valid_record()
    record["values"]["weights"]["security"] = 1.5
    record["walls"][0]["rule"] = {"type": "max_words"}
    with pytest.raises(DataFileError) as err:
        load_persona(_write(tmp_path, record))
    message = str(err.value)
    assert "values.weights.security" in message and "less than or equal to 1" in message
    assert "walls.0.rule.max_words.limit" in message


def test_stated_choices_only_for_real_people(tmp_path: Path) -> None:
    record = _valid_record()
    record["stated_choices"] = {"job-offer-startup": "stay"}
    with pytest.raises(DataFileError, match="stated_choices"):
        load_persona(_write(tmp_path, record))
    record["kind"] = "real"
    assert load_persona(_write(tmp_path, record)).stated_choices == {"job-offer-startup": "stay"}


def test_duplicate_ids_and_invalid_yaml(tmp_path: Path) -> None:
    _write(tmp_path, _valid_record(), "a.yaml")
    _write(tmp_path, _valid_record(), "b.yaml")
    with pytest.raises(DataFileError, match="already used"):
        load_personas(tmp_path)
    broken = tmp_path / "broken" / "x.yaml"
    broken.parent.mkdir()
    broken.write_text("id: [unclosed")
    with pytest.raises(DataFileError, match="not valid YAML"):
        load_personas(broken.parent)
    with pytest.raises(DataFileError, match="does not exist"):
        load_personas(tmp_path / "missing")


def test_spread_by_top_value_is_diverse_and_deterministic() -> None:
    from personalign.personas import spread_by_top_value

    personas = load_personas()
    picked = spread_by_top_value(personas, 8)
    assert len(picked) == 8
    assert len({p.values.ranked()[0] for p in picked}) == 8
    assert picked == spread_by_top_value(personas, 8)
    assert spread_by_top_value(personas, None) == personas
    with pytest.raises(ValueError, match="at least 2"):
        spread_by_top_value(personas, 1)
