import asyncio

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import TaskState

from personalign.evals._dataset import build_samples
from personalign.evals._expected import DEFAULT_MARGIN, expected_choice
from personalign.evals._scenario import load_scenarios
from personalign.evals._solver import option_order, present_options
from personalign.personas import load_personas


def _samples(strategy: str = "opspec", position: str = "system"):
    return build_samples(load_personas(), load_scenarios(), strategy, position, DEFAULT_MARGIN)


def test_one_sample_per_persona_and_scenario_with_metadata() -> None:
    personas, scenarios = load_personas(), load_scenarios()
    samples = _samples()
    assert len(samples) == len(personas) * len(scenarios)
    assert len({s.id for s in samples}) == len(samples)
    meta = samples[0].metadata
    for key in (
        "persona_id",
        "persona_top_value",
        "scenario_id",
        "kind",
        "domain",
        "strategy",
        "context_tokens",
    ):
        assert key in meta
    assert meta["strategy"] == "opspec" and meta["context_tokens"] > 50


def test_expected_option_is_recorded_for_choice_items() -> None:
    personas = {p.id: p for p in load_personas()}
    scenarios = {s.id: s for s in load_scenarios()}
    for sample in _samples():
        meta = sample.metadata
        if meta["kind"] == "choice":
            expected = expected_choice(personas[meta["persona_id"]], scenarios[meta["scenario_id"]])
            assert meta["expected_option"] == expected.option_id
            assert [o["id"] for o in meta["options"]] == [
                o.id for o in scenarios[meta["scenario_id"]].options
            ]


def _present(sample, epoch: int, seed: int = 7) -> TaskState:
    state = TaskState(
        model="test/model",
        sample_id=sample.id,
        epoch=epoch,
        input=sample.input,
        messages=[m.model_copy() for m in sample.input],
        metadata=dict(sample.metadata),
    )
    return asyncio.run(present_options(seed)(state, None))  # type: ignore[arg-type]


def test_options_are_lettered_per_epoch_and_expected_letter_follows() -> None:
    sample = next(s for s in _samples() if s.metadata["kind"] == "choice" and s.metadata["expected_option"])
    orders = set()
    for epoch in range(1, 9):
        state = _present(sample, epoch)
        meta = state.metadata
        letter = meta["expected_letter"]
        assert meta["option_ids"][letter] == meta["expected_option"]
        assert f"{letter}. {meta['option_letters'][letter]}" in state.messages[-1].text
        assert isinstance(state.messages[-1], ChatMessageUser)
        orders.add(tuple(meta["option_ids"].values()))
    assert len(orders) > 1, "the order should change between epochs"
    assert _present(sample, 3).metadata["option_ids"] == _present(sample, 3).metadata["option_ids"]


def test_option_order_is_a_seeded_permutation() -> None:
    assert sorted(option_order(4, 7, "s", 1)) == [0, 1, 2, 3]
    assert option_order(4, 7, "s", 1) == option_order(4, 7, "s", 1)
    firsts = {option_order(3, seed, "s", 1)[0] for seed in range(30)}
    assert firsts == {0, 1, 2}


def test_non_choice_items_are_left_alone() -> None:
    sample = next(s for s in _samples() if s.metadata["kind"] == "open")
    state = _present(sample, 1)
    assert state.messages[-1].text == sample.input[-1].text
    assert "option_letters" not in state.metadata


def test_positions() -> None:
    system = _samples(position="system")[0]
    assert [m.role for m in system.input] == ["system", "user"]
    prefix = _samples(position="user_prefix")[0]
    assert [m.role for m in prefix.input] == ["user"]
    assert prefix.input[0].text.startswith(system.input[0].text)
    assert [m.role for m in _samples(strategy="none")[0].input] == ["user"]
