"""persona_versions: when a person changes, does the model follow the change?

Two versions of one person (`personalign personas diff OLD NEW` shows what changed) are asked
the same choice scenarios. Where the expected option differs between the versions the item is
a flip, where it is the same a stay, scored exactly as counterfactual_fidelity scores its
decisive and surface variants: `flip_rate` is the share of changed items whose choice changed
with the person, `stay_rate` the share of unchanged items whose choice held.

inspect eval personalign/persona_versions --model personalign/smollm2 -T old=me-v1.yaml -T new=me-v2.yaml
"""

from __future__ import annotations

from inspect_ai import Epochs, Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import mean, stderr

from personalign.evals._dataset import build_samples, content_hash, task_metadata
from personalign.evals._expected import DEFAULT_MARGIN, expected_choice
from personalign.evals._scenario import Scenario, load_scenarios, select_per_kind
from personalign.evals._solver import generate_as_user, present_options
from personalign.evals._strategy import Position
from personalign.personas import Persona, UserError, load_persona
from personalign.scorers import epoch_summary, flip_rate, stay_rate, value_fidelity

TASK_VERSION = 1
# counterfactual_fidelity's roles: the new version is `decisive` where its expected option
# changed and `surface` where it did not, so the same flip and stay metrics score it.
CHANGED, UNCHANGED = "decisive", "surface"


def version_samples(
    old: Persona, new: Persona, scenarios: list[Scenario], strategy: str, position: Position, margin: float
) -> list[Sample]:
    """Both versions on every choice scenario where both have a clear expected option."""
    samples = []
    for scenario in (s for s in scenarios if s.kind == "choice"):
        before, after = expected_choice(old, scenario, margin), expected_choice(new, scenario, margin)
        if before.ambiguous or after.ambiguous:
            continue
        role = UNCHANGED if before.option_id == after.option_id else CHANGED
        for version, persona, as_role in (("old", old, "base"), ("new", new, role)):
            [sample] = build_samples([persona], [scenario], strategy, position, margin)
            assert sample.metadata is not None
            sample.id = f"{sample.id}__{version}"
            sample.metadata.update(
                pair_id=f"{scenario.id}__{old.id}", counterfactual_role=as_role, persona_version=version
            )
            samples.append(sample)
    return samples


@task
def persona_versions(
    old: str,
    new: str,
    strategy: str = "opspec",
    position: Position = "system",
    epochs: int = 1,
    scenarios: str | None = None,
    scenarios_per_kind: int | None = None,
    margin: float = DEFAULT_MARGIN,
    temperature: float = 0.0,
    max_tokens: int = 32,
    seed: int = 7,
) -> Task:
    """Two versions of one person on the same choice scenarios: does the choice follow what
    changed (`flip_rate`, target 1) and hold where nothing did (`stay_rate`, target 1)?

    Greedy by default (temperature 0): with sampling, noise alone would flip choices.

    Args:
        old: the earlier version's persona file.
        new: the later version's persona file.
        strategy: context strategy (as in personal_alignment).
        position: where the context goes: `system` message or `user_prefix` of the user turn.
        epochs: replies per sample.
        scenarios: scenario file or directory (default: the bundled bank).
        scenarios_per_kind: keep only the first N choice scenarios (the person's answered ones first).
        margin: utility gap under which a pair is ambiguous (left out).
        temperature: sampling temperature.
        max_tokens: reply length cap.
        seed: seed for option order (the same for both versions of an item).
    """
    before, after = load_persona(old), load_persona(new)
    if before.id != after.id:
        raise UserError(
            f"-T old={old} is persona {before.id!r} and -T new={new} is {after.id!r}: persona_versions "
            "compares two versions of one person (the same id)"
        )
    stated = set(before.stated_choices) | set(after.stated_choices)
    scenario_set = select_per_kind(load_scenarios(scenarios), scenarios_per_kind, "choice", first=stated)
    samples = version_samples(before, after, scenario_set, strategy, position, margin)
    if not samples:
        raise UserError("no choice scenario has a clear expected option for both versions: nothing to ask")
    changed = sum(1 for s in samples if (s.metadata or {}).get("counterfactual_role") == CHANGED)
    return Task(
        dataset=MemoryDataset(samples, name="personalign-versions"),
        solver=[present_options(seed), generate_as_user()],
        scorer=value_fidelity(),
        metrics=[mean(), stderr(cluster="pair_id"), flip_rate(), stay_rate()],
        epochs=Epochs(epochs, epoch_summary()),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens, seed=seed),
        version=TASK_VERSION,
        metadata=task_metadata(
            strategy,
            position,
            [before, after],
            scenario_set,
            changed_items=changed,
            unchanged_items=len(samples) // 2 - changed,
            persona_versions=[content_hash([before]), content_hash([after])],
        ),
    )
