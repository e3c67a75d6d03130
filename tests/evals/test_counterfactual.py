from personalign.evals._counterfactual import counterfactual_pairs, decisive_variant
from personalign.evals._expected import DEFAULT_MARGIN, expected_choice
from personalign.evals._scenario import load_scenarios
from personalign.personas import load_personas


def test_decisive_variants_flip_and_surface_variants_do_not() -> None:
    personas, scenarios = load_personas(), load_scenarios()
    pairs = counterfactual_pairs(personas, scenarios, 40, DEFAULT_MARGIN, seed=7)
    assert len(pairs) == 40
    for pair in pairs:
        base = expected_choice(pair.base, pair.scenario, DEFAULT_MARGIN).option_id
        flipped = expected_choice(pair.decisive, pair.scenario, DEFAULT_MARGIN).option_id
        surface = expected_choice(pair.surface, pair.scenario, DEFAULT_MARGIN).option_id
        assert base and flipped and flipped != base
        assert surface == base
        changed = [
            v
            for v in pair.base.values.weights
            if pair.base.values.weights[v] != pair.decisive.values.weights[v]
        ]
        assert changed == [pair.decisive_value]  # one value, nothing else
        assert pair.decisive.name == pair.base.name
        assert pair.surface.values == pair.base.values and pair.surface.name != pair.base.name


def test_pairs_are_seeded() -> None:
    personas, scenarios = load_personas(), load_scenarios()
    ids = [p.pair_id for p in counterfactual_pairs(personas, scenarios, 10, DEFAULT_MARGIN, seed=1)]
    assert ids == [p.pair_id for p in counterfactual_pairs(personas, scenarios, 10, DEFAULT_MARGIN, seed=1)]
    assert ids != [p.pair_id for p in counterfactual_pairs(personas, scenarios, 10, DEFAULT_MARGIN, seed=2)]


def test_ambiguous_pairs_have_no_decisive_variant() -> None:
    persona, scenario = load_personas()[0], next(s for s in load_scenarios() if s.kind == "choice")
    assert decisive_variant(persona, scenario, margin=100.0) is None
