"""Memory strategies: a persona's facts and value statements, retrieved for one request
(`memory_facts`) or given whole (`memory_all`, its control), as memory products hold them."""

from __future__ import annotations

from dataclasses import dataclass

from personalign.personas import Persona, UserError

MEMORY_STRATEGIES = ("memory_facts", "memory_all")
RETRIEVED = "memory_facts"
DEFAULT_MEMORY_K = 5


@dataclass(frozen=True)
class Memory:
    text: str
    score: float | None
    """Cosine similarity to the request (None when nothing was retrieved: `memory_all`)."""


class NoMemoriesError(UserError, ValueError):
    """A memory strategy met a persona with nothing to remember."""


def memory_pool(persona: Persona) -> list[str]:
    """What a memory product would hold about the person: facts, then value statements."""
    return list(dict.fromkeys([*persona.facts, *persona.values.statements]))


def retrieve_memories(persona: Persona, strategy: str, query: str | None, k: int) -> list[Memory]:
    """The memories a strategy gives the model: for `memory_facts` the `k` most similar to
    `query` (the embedded embedding model; ties keep the profile's order), most similar
    first; for `memory_all` every one, in the profile's order."""
    pool = memory_pool(persona)
    if not pool:
        raise NoMemoriesError(
            f"persona {persona.id!r} has no facts and no value statements, so {strategy} has "
            "nothing to give the model: add `facts` to its profile, or choose another strategy"
        )
    if strategy != RETRIEVED:
        return [Memory(text, None) for text in pool]
    if query is None:
        raise UserError(f"{strategy} retrieves facts for one request: give the request to retrieve for")
    if k < 1:
        raise UserError(f"memory_k {k}: expected at least 1 fact to retrieve")
    from personalign.scorers import embed

    vectors = embed([query, *pool])
    scores = [float(vectors[0] @ v) for v in vectors[1:]]
    ranked = sorted(range(len(pool)), key=lambda i: -scores[i])[:k]
    return [Memory(pool[i], round(scores[i], 4)) for i in ranked]
