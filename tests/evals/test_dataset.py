from evals._dataset import build_samples
from evals._expected import DEFAULT_MARGIN, expected_choice
from evals._scenario import load_scenarios
from personas import load_personas


def _samples(strategy: str = "opspec", position: str = "system", seed: int = 7):
    return build_samples(load_personas(), load_scenarios(), strategy, position, DEFAULT_MARGIN, seed)


def test_one_sample_per_persona_and_scenario_with_metadata() -> None:
    personas, scenarios = load_personas(), load_scenarios()
    samples = _samples()
    assert len(samples) == len(personas) * len(scenarios)
    assert len({s.id for s in samples}) == len(samples)
    meta = samples[0].metadata
    for key in ("persona_id", "scenario_id", "kind", "domain", "strategy", "position", "context_tokens"):
        assert key in meta
    assert meta["strategy"] == "opspec" and meta["context_tokens"] > 50


def test_expected_letter_points_at_the_expected_option() -> None:
    personas = {p.id: p for p in load_personas()}
    scenarios = {s.id: s for s in load_scenarios()}
    checked = 0
    for sample in _samples():
        meta = sample.metadata
        if meta["kind"] != "choice":
            continue
        expected = expected_choice(personas[meta["persona_id"]], scenarios[meta["scenario_id"]])
        assert meta["expected_option"] == expected.option_id
        if expected.option_id:
            assert meta["option_ids"][meta["expected_letter"]] == expected.option_id
            assert f"{meta['expected_letter']}. " in sample.input[-1].text
            checked += 1
    assert checked > 50


def test_option_order_is_shuffled_per_sample_and_seeded() -> None:
    first = {s.id: s.metadata.get("option_ids") for s in _samples(seed=7)}
    again = {s.id: s.metadata.get("option_ids") for s in _samples(seed=7)}
    other = {s.id: s.metadata.get("option_ids") for s in _samples(seed=8)}
    assert first == again
    assert first != other
    leading = {next(iter(ids.values())) for ids in first.values() if ids}
    assert len(leading) > 10, "the first displayed option should vary"


def test_positions() -> None:
    system = _samples(position="system")[0]
    assert [m.role for m in system.input] == ["system", "user"]
    prefix = _samples(position="user_prefix")[0]
    assert [m.role for m in prefix.input] == ["user"]
    assert prefix.input[0].text.startswith(system.input[0].text)
    assert [m.role for m in _samples(strategy="none")[0].input] == ["user"]
