"""An elicitation session: which question to ask next, the person's answers, and the persona
file they become. The logic only; the terminal and the answers file are `cli/elicit.py`'s.

Questions are choice scenarios from the bank. The next new question is the one whose expected
option is most uncertain under the current fit of the person's values (`adaptive`), or the
next of a seeded shuffle (`random`, the baseline the adaptive order is measured against).
After every RETEST_EVERY new answers, one earlier answer is asked again with its options
reordered, so the session measures the person's own test-retest consistency: the ceiling for
any model's value fidelity to them. Everything a session decides follows from its seed and
its answers, so a resumed session asks what the interrupted one would have asked.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from personalign.evals._scenario import Scenario
from personalign.evals._value_fit import (
    Choice,
    ValueFit,
    expected_option_entropy,
    fit_values,
    option_features,
)
from personalign.personas import (
    DataFileError,
    Elicitation,
    ElicitedAnswer,
    Persona,
    Provenance,
    UserError,
    ValueProfile,
    Wall,
    read_data_file,
)

DEFAULT_ITEMS = 30
RETEST_EVERY = 5
"""One new answer in this many is asked again later (about one in five)."""
RETEST_GAP = 3
"""A repeat comes at least this many questions after the answer it repeats."""
DRAWS = 400
"""Posterior draws behind each question's uncertainty."""
Selection = Literal["adaptive", "random"]
LETTERS = "ABCD"


@dataclass(frozen=True)
class Question:
    """A scenario to ask, its options in the order to show them, and whether it is a repeat."""

    scenario: Scenario
    shown: tuple[str, ...]
    repeat: bool

    def options(self) -> dict[str, str]:
        """Letter -> option id, in the order shown."""
        return dict(zip(LETTERS, self.shown, strict=False))

    def text(self, option_id: str) -> str:
        return next(o.text for o in self.scenario.options if o.id == option_id)


def choice_bank(scenarios: Sequence[Scenario], source: str) -> list[Scenario]:
    """The choice scenarios a session can ask; a UserError naming `source` when it has none."""
    bank = [s for s in scenarios if s.kind == "choice"]
    if not bank:
        raise UserError(
            f"{source}: holds no choice scenarios; elicitation asks choice scenarios whose options "
            "are tagged with the values they serve and sacrifice"
        )
    return bank


def bank_hash(bank: Sequence[Scenario]) -> str:
    """Short hash of the choice scenarios (a resumed session must ask from the same bank)."""
    blob = json.dumps([s.model_dump(mode="json") for s in bank], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


class ElicitationSession:
    """The state of one person's session: the bank, the answers so far, and what comes next."""

    def __init__(
        self,
        bank: Sequence[Scenario],
        items: int = DEFAULT_ITEMS,
        seed: int = 0,
        selection: Selection = "adaptive",
        answers: Sequence[ElicitedAnswer] = (),
        pool: set[str] | None = None,
    ) -> None:
        if items < 1:
            raise UserError(f"--items {items}: expected 1 or more questions")
        self.bank = list(bank)
        self.by_id = {s.id: s for s in self.bank}
        self.items = items
        self.seed = seed
        self.selection = selection
        self.answers: list[ElicitedAnswer] = list(answers)
        # Batch mode asks only what its answers file answers.
        self.pool = [s for s in self.bank if pool is None or s.id in pool]
        self._order = list(self.pool)
        random.Random(f"elicit-order:{seed}").shuffle(self._order)
        self._fit: ValueFit | None = None
        self._features = {s.id: option_features(s) for s in self.bank}

    @classmethod
    def resume(
        cls, persona: Persona, bank: Sequence[Scenario], path: Path, pool: set[str] | None = None
    ) -> ElicitationSession:
        """The session a persona file was saved from; a DataFileError naming `path` when the
        file holds no session, or one this bank cannot continue."""
        found = persona.elicitation
        if found is None:
            raise DataFileError(
                path, ["field 'elicitation': missing; this persona was not made by personalign elicit"]
            )
        if found.scenario_set != bank_hash(bank):
            raise DataFileError(
                path,
                [
                    f"field 'elicitation.scenario_set': the session drew from scenario set "
                    f"{found.scenario_set}, and these scenarios are set {bank_hash(bank)}; resume with "
                    "the same --scenarios"
                ],
            )
        by_id = {s.id: s for s in bank}
        problems = []
        for i, answer in enumerate(found.answers):
            where = f"field 'elicitation.answers.{i}"
            scenario = by_id.get(answer.scenario)
            if scenario is None:
                problems.append(f"{where}.scenario': {answer.scenario!r} is not in the scenario bank")
                continue
            ids = sorted(o.id for o in scenario.options)
            if sorted(answer.shown) != ids:
                problems.append(
                    f"{where}.shown': expected the option ids {ids} in some order, got {answer.shown}"
                )
            if answer.option is not None and answer.option not in ids:
                problems.append(
                    f"{where}.option': {answer.option!r} is not an option of {scenario.id} ({ids})"
                )
        if problems:
            raise DataFileError(path, problems)
        return cls(bank, found.items, found.seed, found.selection, found.answers, pool)

    # What the person has said

    def choices(self) -> list[Choice]:
        """Every answer that chose an option (repeats too: each is evidence)."""
        return [
            Choice(self._features[a.scenario], [o.id for o in self.by_id[a.scenario].options].index(a.option))
            for a in self.answers
            if a.option is not None
        ]

    def fit(self) -> ValueFit:
        if self._fit is None or self._fit.answers != len(self.choices()):
            self._fit = fit_values(self.choices())
        return self._fit

    def new_answers(self) -> int:
        return sum(not a.repeat for a in self.answers)

    def consistency(self) -> tuple[float | None, int]:
        """Share of repeated questions answered as the first time, and how many repeats count
        (a repeat or its original that was skipped does not)."""
        same = []
        for i, answer in enumerate(self.answers):
            if not answer.repeat or answer.option is None:
                continue
            first = next(
                (a for a in self.answers[:i] if a.scenario == answer.scenario and not a.repeat), None
            )
            if first is not None and first.option is not None:
                same.append(first.option == answer.option)
        return (sum(same) / len(same) if same else None), len(same)

    def stated_choices(self) -> dict[str, str]:
        """Scenario id -> the person's latest answer to it."""
        return {a.scenario: a.option for a in self.answers if a.option is not None}

    # What to ask next

    def _repeat_due(self) -> Question | None:
        repeated = {a.scenario for a in self.answers if a.repeat}
        due = sum(1 for a in self.answers if not a.repeat and a.option is not None) // RETEST_EVERY
        if len(repeated) >= due:
            return None
        eligible = [
            (i, a)
            for i, a in enumerate(self.answers)
            if not a.repeat
            and a.option is not None
            and a.scenario not in repeated
            and i <= len(self.answers) - RETEST_GAP
        ]
        if not eligible:
            return None
        _, first = random.Random(f"elicit-repeat:{self.seed}:{len(self.answers)}").choice(eligible)
        # Reordered: the first answer's order rotated by one, so no option keeps its letter.
        shown = (*first.shown[1:], first.shown[0])
        return Question(self.by_id[first.scenario], shown, repeat=True)

    def _unasked(self) -> list[Scenario]:
        asked = {a.scenario for a in self.answers}
        return [s for s in self._order if s.id not in asked]

    def next_question(self) -> Question | None:
        """The next question, or None when the session is complete."""
        repeat = self._repeat_due()
        if repeat is not None:
            return repeat
        unasked = self._unasked()
        if self.new_answers() >= self.items or not unasked:
            return None
        if self.selection == "random":
            scenario = unasked[0]
        else:
            fit = self.fit()
            draws = fit.draws(DRAWS, np.random.default_rng([self.seed, len(self.answers)]))
            # Ties go to the seeded order, so the first question is not always the bank's first.
            entropy = expected_option_entropy([self._features[s.id] for s in unasked], draws)
            scenario = unasked[int(np.argmax(entropy))]
        shown = [o.id for o in scenario.options]
        random.Random(f"elicit-shown:{self.seed}:{scenario.id}").shuffle(shown)
        return Question(scenario, tuple(shown), repeat=False)

    def expected_questions(self) -> int:
        """About how many questions the whole session asks (new ones and repeats)."""
        new = min(self.items, len(self.pool))
        return new + new // RETEST_EVERY

    def record(self, question: Question, option_id: str | None) -> None:
        """The person's answer to `question` (None: skipped)."""
        if option_id is not None and option_id not in question.shown:
            raise ValueError(f"{option_id!r} is not an option of {question.scenario.id}")
        self.answers.append(
            ElicitedAnswer(
                scenario=question.scenario.id,
                option=option_id,
                shown=list(question.shown),
                repeat=question.repeat,
            )
        )

    # What the session becomes

    def persona(
        self,
        persona_id: str,
        name: str,
        description: str = "",
        walls: Sequence[Wall] = (),
        finished: bool = False,
    ) -> Persona:
        """The person's persona: their stated choices, weights fitted to them (with each
        weight's uncertainty), their consistency, and whatever they said of themselves."""
        fit = self.fit()
        consistency, repeats = self.consistency()
        answered = len(self.choices())
        return Persona(
            id=persona_id,
            kind="real",
            name=name,
            summary=description.strip()
            or f"A real person whose values were fitted to {answered} of their own choices.",
            values=ValueProfile(
                weights=fit.weights(),
                uncertainty=fit.uncertainty(),
                source="stated",
                statements=[description.strip()] if description.strip() else [],
            ),
            walls=list(walls),
            stated_choices=self.stated_choices(),
            elicitation=Elicitation(
                scenario_set=bank_hash(self.bank),
                seed=self.seed,
                items=self.items,
                selection=self.selection,
                answers=self.answers,
                consistency=consistency,
                repeats=repeats,
                finished=finished,
            ),
            provenance=Provenance(
                source="personalign elicit: the person's own answers",
                licence="personal data of the person who answered; not for redistribution",
                consent="given by the person, who answered the questions themselves",
                contains_pii=True,
            ),
        )


@dataclass(frozen=True)
class AnswersFile:
    """Answers given ahead for `personalign elicit --answers` (scripted use): scenario id ->
    the option ids to give, in order (a repeat takes the next; the last one repeats)."""

    answers: dict[str, list[str]]
    name: str | None = None
    description: str = ""
    walls: tuple[str, ...] = ()

    def answer(self, question: Question, asked_before: int) -> str:
        given = self.answers[question.scenario.id]
        return given[min(asked_before, len(given) - 1)]


def load_answers(path: Path, bank: Sequence[Scenario]) -> AnswersFile:
    """Read an answers file (YAML or JSON): `answers` maps scenario ids to an option id or a
    list of them; `name`, `description` and `walls` (a list of sentences) are optional. A
    DataFileError names the field of anything the bank cannot take."""
    data = read_data_file(path)
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict) or not data["answers"]:
        raise DataFileError(
            path,
            ["field 'answers': expected a mapping of scenario id -> option id (or a list of option ids)"],
        )
    unknown_keys = sorted(set(data) - {"answers", "name", "description", "walls"})
    problems = [
        f"field {k!r}: not an answers-file field (answers, name, description, walls)" for k in unknown_keys
    ]
    by_id = {s.id: s for s in bank}
    answers: dict[str, list[str]] = {}
    for scenario_id, given in data["answers"].items():
        where = f"field 'answers.{scenario_id}'"
        scenario = by_id.get(str(scenario_id))
        if scenario is None:
            problems.append(f"{where}: not a choice scenario of the bank")
            continue
        options = given if isinstance(given, list) else [given]
        ids = [o.id for o in scenario.options]
        wrong = [o for o in options if not isinstance(o, str) or o not in ids]
        if not options or wrong:
            problems.append(f"{where}: expected one of {ids} (or a list of them), got {given!r}")
            continue
        answers[str(scenario_id)] = [str(o) for o in options]
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"field {key!r}: expected text, got {data[key]!r}")
    walls = data.get("walls") or []
    if not isinstance(walls, list) or not all(isinstance(w, str) and w.strip() for w in walls):
        problems.append(f"field 'walls': expected a list of sentences, got {walls!r}")
    if problems:
        raise DataFileError(path, problems)
    return AnswersFile(answers, data.get("name"), data.get("description") or "", tuple(walls))
