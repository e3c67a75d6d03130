"""token_steering: how a context strategy shapes the first tokens of a reply, position by position.

inspect eval evals/token_steering.py --model personalign/smollm2

A user shares their own work and asks for feedback; each persona's profile reaches the model
as prescriptive instructions only, as constraints (walls) only, as a full operating
specification, or not at all. From the returned log-probabilities: the next-token entropy at
positions 1-10, and the probability mass on validating versus substantive openers. Needs a
provider that returns top log-probabilities (the embedded model does).
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset
from inspect_ai.model import GenerateConfig
from inspect_ai.solver import generate

from personalign.evals._dataset import content_hash
from personalign.evals._steering import STEERING_STRATEGIES, load_steering_prompts, steering_samples
from personalign.evals._strategy import Position
from personalign.personas import load_personas, spread_by_top_value
from personalign.scorers import STEERING_POSITIONS, TOP_LOGPROBS, token_steering_profile

TASK_VERSION = 1


@task
def token_steering(
    strategies: str = ",".join(STEERING_STRATEGIES),
    position: Position = "system",
    personas: str | None = None,
    max_personas: int | None = 6,
    prompts: str | None = None,
    max_prompts: int | None = None,
    top_logprobs: int = TOP_LOGPROBS,
    seed: int = 7,
) -> Task:
    """Strategy x persona x prompt samples, greedy, 10 tokens each, with top log-probabilities.

    Args:
        strategies: comma-separated strategies to compare (`none` is the baseline).
        position: where the context goes: `system` message or `user_prefix`.
        personas: persona file or directory (default: the bundled authored set).
        max_personas: at most N personas, spread across top values (default 6).
        prompts: prompt file (default: the bundled 48 feedback requests).
        max_prompts: only the first N prompts (a quick subset).
        top_logprobs: alternatives per position (entropy is computed over these plus the rest).
        seed: seed for providers that accept one.
    """
    persona_set = spread_by_top_value(load_personas(personas), max_personas)
    prompt_set = load_steering_prompts(prompts)[:max_prompts]
    chosen = strategies.split(",")
    return Task(
        dataset=MemoryDataset(
            steering_samples(persona_set, prompt_set, chosen, position), name="personalign-steering"
        ),
        solver=generate(),
        scorer=token_steering_profile(),
        config=GenerateConfig(
            temperature=0.0,
            max_tokens=STEERING_POSITIONS,
            logprobs=True,
            top_logprobs=top_logprobs,
            seed=seed,
        ),
        version=TASK_VERSION,
        metadata={
            "strategies": chosen,
            "position": position,
            "persona_set": content_hash(persona_set),
            "prompt_set": content_hash(prompt_set),
            "personas": len(persona_set),
            "prompts": len(prompt_set),
        },
    )
