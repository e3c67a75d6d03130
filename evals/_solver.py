"""Solvers: show a choice scenario's options in a fresh, seeded order for every epoch, and
generate as the persona's user id when a product under test holds the profile."""

from __future__ import annotations

import random
import string

from inspect_ai.model import ChatMessageUser
from inspect_ai.solver import Generate, Solver, TaskState, solver

from personalign.evals._strategy import PRODUCT
from personalign.evals.prompts import CHOICE_TEMPLATE

# How a product under test learns whose request it is: the OpenAI-style `user` field and a header.
USER_HEADER = "X-Personalign-User"


def option_order(n: int, seed: int, sample_id: str, epoch: int) -> list[int]:
    """A permutation of n options, fixed by (seed, sample, epoch)."""
    order = list(range(n))
    random.Random(f"{seed}:{sample_id}:{epoch}").shuffle(order)
    return order


def _option_lines(lettered: dict[str, dict]) -> str:
    """The options as the model sees them: "A. text", one per line."""
    return "\n".join(f"{letter}. {option['text']}" for letter, option in lettered.items())


@solver
def present_options(seed: int = 7, template: str = CHOICE_TEMPLATE) -> Solver:
    """Append a choice scenario's options, lettered in a per-epoch order, to the user turn.

    Shuffling per sample and epoch means answering by position cannot pass for fidelity.
    Records `option_letters` (letter -> text), `option_ids` (letter -> id) and
    `expected_letter` in the state's metadata for the scorers.
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata
        if meta["kind"] != "choice":
            return state
        options = meta["options"]
        # Counterfactual variants share their pair's order, so position alone cannot flip a choice.
        key = str(meta.get("pair_id") or state.sample_id)
        order = option_order(len(options), seed, key, state.epoch)
        lettered = {letter: options[i] for letter, i in zip(string.ascii_uppercase, order, strict=False)}
        meta["option_letters"] = {letter: o["text"] for letter, o in lettered.items()}
        meta["option_ids"] = {letter: o["id"] for letter, o in lettered.items()}
        meta["expected_letter"] = next(
            (letter for letter, o in lettered.items() if o["id"] == meta["expected_option"]), None
        )
        user = state.messages[-1]
        assert isinstance(user, ChatMessageUser), "a scenario ends with the user's turn"
        user.content = template.format(prompt=user.text, options=_option_lines(lettered))
        if "blind_prompt" in meta:
            # The options in their listed order and no context: one prompt per scenario, so
            # its persona-blind reply is asked for once, whatever order each sample shows.
            listed = dict(zip(string.ascii_uppercase, options, strict=False))
            meta["blind_prompt"] = template.format(prompt=meta["blind_prompt"], options=_option_lines(listed))
        return state

    return solve


async def generate_for_user(state: TaskState, generate: Generate) -> TaskState:
    """Generate; under the `product` strategy, tell the product whose request this is.

    The persona's id goes out as the OpenAI-style `user` field (in the request body) and as
    the X-Personalign-User header, so the product can look up its own profile of that user.
    Other strategies generate unchanged.
    """
    if state.metadata.get("strategy") != PRODUCT:
        return await generate(state)
    # The shuffled control asks for another persona's profile, as its context shows one.
    user = str(state.metadata.get("context_persona_id") or state.metadata["persona_id"])
    return await generate(state, extra_body={"user": user}, extra_headers={USER_HEADER: user})


@solver
def generate_as_user() -> Solver:
    """Generate as the persona's user (see `generate_for_user`)."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await generate_for_user(state, generate)

    return solve
