"""Identity coherence: does the answer fit this person, and not just anyone?"""

from __future__ import annotations

import math
from collections.abc import Sequence

from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import TaskState

from personas import Persona

from ._embedding import embed
from ._unscored import output_problem
from ._walls import check_walls


def profile_text(persona: Persona) -> str:
    """The text a persona is recognised by: who they are, what they value, their life.

    Walls and style are left out: they shape form, and wall adherence checks them directly.
    """
    c = persona.context
    parts = [
        persona.summary,
        *persona.values.statements,
        c.work,
        c.situation,
        *c.goals,
        *c.expertise,
        *persona.facts,
    ]
    return " ".join(part for part in parts if part)


@scorer(
    metrics={
        "identifiability": [mean(), stderr()],
        "chance": [mean()],
        "wall_adherence": [mean(), stderr()],
    }
)
def identity_coherence(personas: Sequence[Persona]) -> Scorer:
    """Identity coherence as separate components, never blended.

    - identifiability: 1 when the reply's embedding is closer to its own persona's profile
      than to any other persona's in the run, else 0 (chance is 1/K, reported as `chance`).
    - wall_adherence: share of the persona's machine-checkable walls the reply keeps
      (unscored for personas without such walls).

    Hard-floor items are not scored (there the right reply is a refusal, for anyone).
    """
    ids = [p.id for p in personas]
    by_id = {p.id: p for p in personas}
    profiles = None  # embedded once per run, on first use

    async def score(state: TaskState, target: Target) -> Score | None:
        nonlocal profiles
        if state.metadata["kind"] == "hard_floor":
            return None
        problem = output_problem(state)
        if problem:
            return problem
        if profiles is None:
            profiles = embed([profile_text(p) for p in personas])
        persona_id = state.metadata["persona_id"]
        reply = state.output.completion
        similarity = profiles @ embed([reply])[0]
        best = int(similarity.argmax())
        checks = check_walls(reply, by_id[persona_id])
        failed = [c.wall for c in checks if not c.kept]
        walls = sum(c.kept for c in checks) / len(checks) if checks else math.nan
        return Score(
            value={
                "identifiability": 1.0 if ids[best] == persona_id else 0.0,
                "chance": 1.0 / len(ids),
                "wall_adherence": walls,
            },
            answer=ids[best],
            explanation=(
                f"closest profile: {ids[best]} ({similarity[best]:.3f}); own profile "
                f"{similarity[ids.index(persona_id)]:.3f}; walls failed: {failed or 'none'}"
            ),
            metadata={"walls": [c.__dict__ for c in checks]},
        )

    return score
