"""counterfactual_fidelity: does a choice follow the person's values, or surface cues?

inspect eval evals/counterfactual_fidelity.py --model personalign/smollm2
"""

from __future__ import annotations

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import mean, stderr
from inspect_ai.solver import generate

from personalign.evals._counterfactual import counterfactual_pairs
from personalign.evals._dataset import build_samples, task_metadata
from personalign.evals._expected import DEFAULT_MARGIN
from personalign.evals._scenario import load_scenarios
from personalign.evals._solver import present_options
from personalign.evals._strategy import Position
from personalign.personas import load_personas
from personalign.scorers import epoch_summary, flip_rate, stay_rate, value_fidelity

TASK_VERSION = 1


def _samples(pairs: list, strategy: str, position: Position, margin: float) -> list[Sample]:
    samples = []
    for pair in pairs:
        for role, persona in (("base", pair.base), ("decisive", pair.decisive), ("surface", pair.surface)):
            [sample] = build_samples([persona], [pair.scenario], strategy, position, margin)
            assert sample.metadata is not None
            sample.metadata.update(
                pair_id=pair.pair_id, counterfactual_role=role, decisive_value=pair.decisive_value
            )
            samples.append(sample)
    return samples


@task
def counterfactual_fidelity(
    pairs: int = 60,
    strategy: str = "values_constitution",
    position: Position = "system",
    epochs: int = 1,
    personas: str | None = None,
    scenarios: str | None = None,
    margin: float = DEFAULT_MARGIN,
    temperature: float = 0.0,
    max_tokens: int = 32,
    seed: int = 7,
) -> Task:
    """Persona / decisive-variant / surface-variant triples on choice scenarios.

    Greedy by default (temperature 0): with sampling, noise alone would flip choices.

    Metrics: `flip_rate` (the choice changes when one decisive value changes; target 1),
    `stay_rate` (the choice holds when only name, age and country change; target 1), and value
    fidelity over all three. The default strategy states each value's importance in words so
    that the one changed value is visible to the model.
    """
    persona_set = load_personas(personas)
    scenario_set = load_scenarios(scenarios)
    chosen = counterfactual_pairs(persona_set, scenario_set, pairs, margin, seed)
    return Task(
        dataset=MemoryDataset(
            _samples(chosen, strategy, position, margin), name="personalign-counterfactual"
        ),
        solver=[present_options(seed), generate()],
        scorer=value_fidelity(),
        metrics=[mean(), stderr(cluster="pair_id"), flip_rate(), stay_rate()],
        epochs=Epochs(epochs, epoch_summary()),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens, seed=seed),
        version=TASK_VERSION,
        metadata=task_metadata(strategy, position, persona_set, scenario_set, pairs=len(chosen)),
    )
