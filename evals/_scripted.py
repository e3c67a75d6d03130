"""Scripted models, for tests and for validating metrics (never for real results).

`personalign-scripted/<behaviour>`:
- oracle: reads the persona from its context, answers choice items with the expected option
  (a real person's stated choice where they made one, else the highest utility),
  writes in the persona's own words within their walls, refuses hard-floor requests and
  helps with benign look-alikes. With no persona in its context it answers like `constant`.
- anti-oracle: like the oracle, but picks the option the persona would like least.
- constant: always the first listed option ("A"), otherwise a fixed generic reply.
- random: a uniformly random option (seeded by the prompt, so runs repeat).
- generic: a reply written for nobody, from the bundled generic set for that open scenario
  (which one is fixed by the whole prompt, so personas get different ones and a prompt
  with no context gets its own); choice items the first option; persona-blind, natural text.
- random-text: a fresh string of random words on every call, whatever the prompt or persona
  (high variance, persona-blind; seeded once, so not repeatable call by call under
  concurrency).
- position: position-biased: "A" seven times in ten, otherwise another letter at random.
- always-refuse: refuses every request; always-comply: goes along with every request (with
  no content).
- error: every call fails (an output with an error).
- empty: every reply is empty.

For conversations (choice items; the scenario is the last user turn that holds one), each
closing with `CHATTY_SIGN_OFF` unless a preference of the conversation bank is in view:
- advocate: answers like the oracle and keeps its answer under pushback.
- sycophant: first answers with the option most personas would choose (so it starts right
  for some people and wrong for others), then takes whatever option the user pushes.
- forgetful: like the advocate, but sees only the last `turns=N` user turns (model arg,
  default 2) and what follows them: a context further back, system message included, is gone.
- persona-blind: ignores every context and answers with the option most personas would
  choose; under pushback it keeps it (the leakage control's model: fidelity above chance that
  no profile explains).

Model args, for tests of the run itself: `delay=SECONDS` waits before each reply (a slow
model, to interrupt a run midway); `calls_to=PATH` appends one line per call to PATH (to
count the calls a resumed run made).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from personalign.evals._conversation import PREFERENCES
from personalign.evals._expected import expected_choice
from personalign.evals._scenario import SAFETY_DIR, SCENARIO_DIR, Scenario, load_scenarios
from personalign.evals._strategy import VALUE_LABELS
from personalign.personas import Persona, load_personas
from personalign.scorers import generic_replies

BEHAVIOURS = (
    "oracle",
    "anti-oracle",
    "constant",
    "random",
    "generic",
    "random-text",
    "position",
    "always-refuse",
    "always-comply",
    "error",
    "empty",
    "advocate",
    "sycophant",
    "forgetful",
    "persona-blind",
)
CONVERSATION_BEHAVIOURS = ("advocate", "sycophant", "forgetful", "persona-blind")
CHATTY_SIGN_OFF = " Great question! Hope this helps 🙂"
COMPLY_REPLY = "Sure, here is what you asked for."
_WORDS = (
    "river budget garden ladder winter copper signal harbour lantern meadow orbit pepper "
    "quarry ribbon saddle timber velvet walnut yellow zenith anchor basket candle desert "
    "engine feather glacier hammer island jacket kettle lemon marble needle"
).split()
GENERIC_REPLY = "Here is some general advice that would suit most people in your position."
REFUSAL_REPLY = "I can't help with that request."
_OPTION_LINE = re.compile(r"^([A-Z])\. (.+)$", re.M)
_LEVEL_WEIGHT = {
    "supremely important": 0.9, "very important": 0.7, "important": 0.5,
    "a little important": 0.3, "not important": 0.1,
}  # fmt: skip


def _usage(text: str) -> ModelUsage:
    # A usage block keeps Inspect from fetching a tokenizer to count tokens (offline).
    tokens = len(text.split())
    return ModelUsage(input_tokens=0, output_tokens=tokens, total_tokens=tokens)


def _voice(persona: Persona) -> str:
    """A short reply in the persona's own words that keeps every machine-checkable wall:
    their first two value statements (one may say little that is theirs alone)."""
    statements = persona.values.statements[:2] or [persona.summary]
    return " ".join(statements).replace("!", ".")


class ScriptedAPI(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        personas: str | None = None,
        scenarios: str | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        if model_name not in BEHAVIOURS:
            raise ValueError(f"unknown scripted behaviour {model_name!r}: expected one of {BEHAVIOURS}")
        self.personas = load_personas(personas)
        self.scenarios = load_scenarios(scenarios or [SCENARIO_DIR, SAFETY_DIR])
        self.rng = random.Random(config.seed if config.seed is not None else 0)
        self.delay = float(model_args.pop("delay", 0))
        self.turns = int(model_args.pop("turns", 2))
        calls_to = model_args.pop("calls_to", None)
        self.calls_to = Path(calls_to) if calls_to else None

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.calls_to:
            with self.calls_to.open("a", encoding="utf-8") as calls:
                calls.write(f"{self.model_name}\n")
        error = "scripted failure" if self.model_name == "error" else None
        text = "" if self.model_name in ("empty", "error") else self._reply(input)
        output = ModelOutput.from_content(model=self.model_name, content=text, error=error)
        output.usage = _usage(text)
        return output

    def _reply(self, messages: list[ChatMessage]) -> str:
        if self.model_name in CONVERSATION_BEHAVIOURS:
            return self._conversation_reply(messages)
        if self.model_name in ("always-refuse", "always-comply"):
            return REFUSAL_REPLY if self.model_name == "always-refuse" else COMPLY_REPLY
        if self.model_name == "random-text":
            return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(8, 30)))
        user = next(m.text for m in reversed(messages) if m.role == "user")
        scenario = self._scenario(user)
        reads_persona = self.model_name in ("oracle", "anti-oracle")
        persona = self._persona(" ".join(m.text for m in messages)) if reads_persona else None
        if scenario is None:
            return GENERIC_REPLY
        if scenario.kind == "hard_floor":
            return REFUSAL_REPLY
        if self.model_name == "generic" and scenario.kind == "open":
            bank = generic_replies().get(scenario.id) or (GENERIC_REPLY,)
            prompt = " ".join(m.text for m in messages)
            return bank[int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % len(bank)]
        if scenario.kind == "choice":
            letters = dict(_OPTION_LINE.findall(user))
            rng = random.Random(hashlib.sha256(user.encode()).hexdigest())
            if self.model_name == "random":
                return f"{rng.choice(sorted(letters))}."
            if self.model_name == "position":
                others = sorted(letters)[1:]
                return "A." if rng.random() < 0.7 or not others else f"{rng.choice(others)}."
            if persona is None:
                return f"A. {letters.get('A', '')}"
            text = next(o.text for o in scenario.options if o.id == self._pick(persona, scenario))
            letter = next(letter for letter, shown in letters.items() if shown == text)
            return f"{letter}. {_voice(persona)}"
        return _voice(persona) if persona else GENERIC_REPLY

    def _conversation_reply(self, messages: list[ChatMessage]) -> str:
        if self.model_name == "forgetful":
            messages = last_turns(messages, self.turns)
        visible = " ".join(m.text for m in messages)
        sign_off = "" if any(p.statement in visible for p in PREFERENCES) else CHATTY_SIGN_OFF
        users = [m.text for m in messages if m.role == "user"]
        # the question: the last user turn that holds a scenario; a later user turn pushes back
        asked = next(((i, s) for i in reversed(range(len(users))) if (s := self._scenario(users[i]))), None)
        if asked is None or asked[1].kind != "choice":
            refuse = asked is not None and asked[1].kind == "hard_floor"
            return REFUSAL_REPLY if refuse else GENERIC_REPLY + sign_off
        at, scenario = asked
        question = users[at]
        listed = _OPTION_LINE.findall(question)  # (letter, text) as shown
        id_of = {o.text: o.id for o in scenario.options}
        persona = None if self.model_name in ("sycophant", "persona-blind") else self._persona(visible)
        if persona is not None:
            pick = self._pick(persona, scenario)
        elif self.model_name in ("sycophant", "persona-blind"):
            pick = self._popular(scenario)
        else:  # no person in view: the option shown first
            pick = id_of[listed[0][1]]
        pushback = users[-1] if at < len(users) - 1 else None
        if self.model_name == "sycophant" and pushback:
            pick = next((id_of[text] for _, text in listed if text in pushback), pick)
        letter = next(letter for letter, text in listed if id_of[text] == pick)
        voice = _voice(persona) if persona else "It fits your situation best."
        return f"{letter}. {voice}{sign_off}"

    def _pick(self, persona: Persona, scenario: Scenario) -> str:
        """The oracle's option: the person's stated choice, else the highest utility; the
        anti-oracle's: the lowest-utility option other than a stated choice."""
        expected = expected_choice(persona, scenario, margin=0.0)
        utilities = expected.utilities
        if self.model_name == "anti-oracle":
            others = [o for o in utilities if expected.source != "stated" or o != expected.option_id]
            return min(others, key=lambda k: utilities[k])
        if expected.source == "stated" and expected.option_id is not None:
            return expected.option_id
        return max(utilities, key=lambda k: utilities[k])

    def _popular(self, scenario: Scenario) -> str:
        """The option most personas of the library would choose (ties: the bank's order)."""
        votes: Counter[str] = Counter()
        for persona in self.personas:
            utilities = expected_choice(persona, scenario, margin=0.0).utilities
            votes[max(utilities, key=lambda k: utilities[k])] += 1
        return max((o.id for o in scenario.options), key=lambda o: votes[o])

    def _scenario(self, user_text: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.prompt.strip() in user_text), None)

    def _persona(self, context: str) -> Persona | None:
        """The persona the context describes: by stated value levels if listed, else by name."""
        found = [p for p in self.personas if p.name in context]
        levels = {
            value: _LEVEL_WEIGHT[level]
            for value, label in VALUE_LABELS.items()
            if (m := re.search(rf"- {re.escape(label)}: ([a-z ]+)", context))
            and (level := m.group(1)) in _LEVEL_WEIGHT
        }
        if len(levels) == len(VALUE_LABELS):
            # Reason from the stated priorities, not from who the person is.
            template = found[0] if len(found) == 1 else self.personas[0]
            return template.model_copy(
                update={"values": template.values.model_copy(update={"weights": levels})}
            )
        return found[0] if len(found) == 1 else None


def last_turns(messages: list[ChatMessage], n: int) -> list[ChatMessage]:
    """The messages from the n-th last user turn on: what a model that forgets everything
    further back still sees (a conversation of at most n user turns is seen whole)."""
    starts = [i for i, m in enumerate(messages) if m.role == "user"]
    return messages if len(starts) <= n else messages[starts[-n] :]
