import numpy as np
import yaml
from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import SCHWARTZ_VALUES, generate_personas, load_personas
from personalign.personas._generate import CIRCUMPLEX_ANGLE


def test_same_seed_same_personas_other_seed_others() -> None:
    first = [p.model_dump() for p in generate_personas(20, seed=7)]
    assert first == [p.model_dump() for p in generate_personas(20, seed=7)]
    assert first != [p.model_dump() for p in generate_personas(20, seed=8)]


def test_profiles_follow_the_circumplex() -> None:
    personas = generate_personas(300, seed=11)
    weights = np.array([[p.values.weights[v] for v in SCHWARTZ_VALUES] for p in personas])
    corr = np.corrcoef(weights.T)

    def r(a: str, b: str) -> float:
        return corr[SCHWARTZ_VALUES.index(a), SCHWARTZ_VALUES.index(b)]

    # neighbours go together, opposites apart (independent noise would give about 0 for both)
    for a, b in [
        ("self_direction", "stimulation"),
        ("security", "conformity"),
        ("benevolence", "universalism"),
    ]:
        assert r(a, b) > 0.4
    for a, b in [("self_direction", "conformity"), ("power", "universalism"), ("stimulation", "security")]:
        assert r(a, b) < -0.4
    assert set(CIRCUMPLEX_ANGLE) == set(SCHWARTZ_VALUES)


def test_every_value_leads_somewhere_and_styles_vary() -> None:
    personas = generate_personas(200, seed=7)
    assert {p.values.ranked()[0] for p in personas} == set(SCHWARTZ_VALUES)
    assert len({p.communication.verbosity for p in personas}) == 3
    for persona in personas:
        assert len(persona.rules()) >= 2
        if persona.communication.format == "bullets":
            assert all(w.rule is None or w.rule.type != "no_bullet_lists" for w in persona.walls)


def test_generate_command_writes_loadable_files_and_a_report(tmp_path) -> None:
    result = CliRunner().invoke(
        cli, ["personas", "generate", "--n", "12", "--seed", "3", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "top-1" in result.output and "verbosity" in result.output
    assert len(load_personas(tmp_path)) == 12
    assert (tmp_path / "SUMMARY.md").read_text().count("\n- `syn-3-") == 12
    again = yaml.safe_load((tmp_path / "syn-3-0000.yaml").read_text())
    assert again == generate_personas(1, seed=3)[0].model_dump(mode="json")
