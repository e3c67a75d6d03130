"""Memory strategies: retrieval picks the fact a request needs, and the rendering carries
that and nothing else."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.evals import personal_alignment, render_context
from personalign.evals._memory import NoMemoriesError, memory_pool, retrieve_memories
from personalign.personas import UserError, load_personas

FACTS = [
    "Is severely allergic to peanuts and carries an adrenaline pen.",
    "Has two elderly greyhounds that need a walk every morning.",
    "Drives a twelve-year-old diesel estate car.",
    "Sings alto in a church choir on Thursdays.",
    "Is learning Portuguese for a move to Lisbon next year.",
    "Rents a flat on the fourth floor with no lift.",
]
# (request, the fact it needs), the request sharing the fact's topic. A link that needs
# inference ("a Thai place tonight" -> peanuts) is missed by embedding retrieval (rank 5 of 6).
CASES = [
    ("Can you suggest a trail mix with nuts for my hike?", FACTS[0]),
    ("I'm going away for a week, how do I arrange care for my pets?", FACTS[1]),
    ("My car keeps failing its emissions test. Should I repair it or replace it?", FACTS[2]),
    ("Any tips for practising harmonies before rehearsal?", FACTS[3]),
    ("What is the best way to pick up a new language as an adult?", FACTS[4]),
    ("I need to move a heavy sofa into my home, any advice?", FACTS[5]),
]


@pytest.fixture(scope="module")
def persona():
    base = load_personas()[0]
    return base.model_copy(
        update={"facts": FACTS, "values": base.values.model_copy(update={"statements": []})}
    )


@pytest.mark.parametrize(("request_text", "needed"), CASES)
def test_retrieval_puts_the_needed_fact_first(persona, request_text: str, needed: str) -> None:
    [top] = retrieve_memories(persona, "memory_facts", request_text, 1)
    assert top.text == needed


def test_retrieval_is_ranked_and_scored(persona) -> None:
    found = retrieve_memories(persona, "memory_facts", CASES[0][0], 4)
    assert len(found) == 4 and len({m.text for m in found}) == 4
    scores = [m.score for m in found]
    assert all(isinstance(s, float) for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def test_rendering_carries_the_retrieved_facts_and_nothing_else(persona) -> None:
    rendered = render_context(persona, "memory_facts", CASES[1][0], memory_k=2)
    lines = rendered.text.splitlines()
    body = [line.removeprefix("- ") for line in lines[1:-1]]
    assert body == [m.text for m in rendered.memories] and len(body) == 2
    assert lines[0].startswith("[MEMORY") and lines[-1] == "[END MEMORY]"
    for leaked in (persona.name, persona.summary, *(w.text for w in persona.walls)):
        assert leaked not in rendered.text
    assert all(fact not in rendered.text for fact in FACTS if fact not in body)


def test_memory_all_is_every_fact_in_order(persona) -> None:
    rendered = render_context(persona, "memory_all")
    body = [line.removeprefix("- ") for line in rendered.text.splitlines()[1:-1]]
    assert body == memory_pool(persona) == FACTS
    assert all(m.score is None for m in rendered.memories)


def test_the_pool_is_facts_then_statements() -> None:
    persona = load_personas()[0]
    assert memory_pool(persona) == [*persona.facts, *persona.values.statements]


def test_a_persona_with_nothing_to_remember_is_named(persona) -> None:
    empty = persona.model_copy(
        update={
            "id": "blank-slate",
            "facts": [],
            "values": persona.values.model_copy(update={"statements": []}),
        }
    )
    for strategy in ("memory_facts", "memory_all"):
        with pytest.raises(NoMemoriesError, match="'blank-slate' has no facts"):
            render_context(empty, strategy, "anything")


def test_bad_retrieval_settings_are_user_errors(persona) -> None:
    with pytest.raises(UserError, match="give the request"):
        render_context(persona, "memory_facts")
    with pytest.raises(UserError, match="memory_k 0"):
        render_context(persona, "memory_facts", "a request", memory_k=0)


def test_samples_record_what_was_retrieved_per_scenario() -> None:
    task = personal_alignment(
        strategy="memory_facts", kinds="choice", max_personas=2, scenarios_per_kind=3, memory_k=2
    )
    contexts = set()
    for sample in task.dataset:
        memories = sample.metadata["memories"]
        assert len(memories) == 2 and all(m["text"] in sample.input[0].text for m in memories)
        contexts.add(sample.input[0].text)
    assert len(contexts) > 2  # retrieval follows the scenario, not only the persona


def test_render_command_needs_a_query_for_retrieval() -> None:
    persona = load_personas()[0].id
    missing = CliRunner().invoke(cli, ["personas", "render", persona, "--strategy", "memory_facts"])
    assert missing.exit_code == 2 and "--query" in missing.output
    shown = CliRunner().invoke(
        cli,
        [
            "personas",
            "render",
            persona,
            "--strategy",
            "memory_facts",
            "--query",
            "a job offer",
            "--memory-k",
            "1",
        ],
    )
    assert shown.exit_code == 0 and shown.output.count("\n- ") == 1
