import pytest

from personalign.evals._expected import expected_choice, option_utilities
from personalign.evals._scenario import Option, Scenario
from personalign.personas import SCHWARTZ_VALUES, Persona, Provenance, ValueProfile


def _persona(kind: str = "authored", stated: dict | None = None, **weights: float) -> Persona:
    full = dict.fromkeys(SCHWARTZ_VALUES, 0.5) | weights
    return Persona(
        id="p",
        kind=kind,
        name="P",
        summary="s",
        values=ValueProfile(weights=full),
        provenance=Provenance(source="test", licence="CC0-1.0"),
        stated_choices=stated or {},
    )


SCENARIO = Scenario(
    id="s",
    domain="work",
    kind="choice",
    prompt="Which?",
    options=[
        Option(id="safe", text="Stay.", serves=["security", "conformity"], sacrifices=["stimulation"]),
        Option(id="bold", text="Go.", serves=["stimulation", "self_direction"], sacrifices=["security"]),
    ],
)


def test_utilities_use_centred_weights() -> None:
    persona = _persona(security=0.9, stimulation=0.1)
    # mean = (8 * 0.5 + 0.9 + 0.1) / 10 = 0.5, so centred: security +0.4, stimulation -0.4, rest 0
    utilities = option_utilities(persona, SCENARIO)
    assert utilities["safe"] == pytest.approx(0.4 + 0.0 - (-0.4))
    assert utilities["bold"] == pytest.approx(-0.4 + 0.0 - 0.4)


def test_expected_choice_follows_values() -> None:
    assert expected_choice(_persona(security=0.9, stimulation=0.1), SCENARIO).option_id == "safe"
    assert (
        expected_choice(_persona(security=0.1, stimulation=0.9, self_direction=0.9), SCENARIO).option_id
        == "bold"
    )


def test_uniform_weights_are_ambiguous() -> None:
    result = expected_choice(_persona(), SCENARIO)
    assert result.ambiguous and result.option_id is None
    assert result.margin == pytest.approx(0.0)


def test_margin_decides_ambiguity() -> None:
    persona = _persona(security=0.55, stimulation=0.45)  # gap 0.2 after centring: +0.05 - (-0.05) ... x2
    gap = expected_choice(persona, SCENARIO, margin=0.0).margin
    assert expected_choice(persona, SCENARIO, margin=gap - 1e-6).option_id == "safe"
    assert expected_choice(persona, SCENARIO, margin=gap + 1e-6).option_id is None


def test_stated_choice_overrides_computation() -> None:
    persona = _persona("real", {"s": "bold"}, security=0.9, stimulation=0.1)
    result = expected_choice(persona, SCENARIO)
    assert result.option_id == "bold" and result.source == "stated"
    with pytest.raises(ValueError, match="expected one of"):
        expected_choice(_persona("real", {"s": "nope"}), SCENARIO)


def test_non_choice_scenarios_have_no_expectation() -> None:
    open_item = Scenario(id="o", domain="d", kind="open", prompt="p", rubric="r")
    with pytest.raises(ValueError, match="not a choice"):
        expected_choice(_persona(), open_item)
