"""Does elicitation recover a person? Simulated respondents with known weights and a known
noise level answer whole sessions; the fit must recover their top value, the measured
consistency must track their noise, and adaptive questions must need fewer answers than
random ones for the same recovery.

A simulated person answers like the suite's own choice model with noise: P(option) is
proportional to exp(u / temperature), u the option's utility under their centred weights (as
`expected_choice` computes it). Their weights are the authored personas' weights, each jittered
(sd 0.05) so that no two people are the same and ties are broken.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from personalign.evals._elicit import ElicitationSession, Question, Selection
from personalign.evals._scenario import Scenario
from personalign.evals._value_fit import option_features
from personalign.personas import SCHWARTZ_VALUES, load_personas

NOISE_LEVELS = {"low": 0.05, "medium": 0.15, "high": 0.4, "chance": 100.0}
"""Choice temperature, in units of utility (weight units): at 0.05 a 0.1 utility gap is chosen
88% of the time, at 0.4 only 56%; at `chance` answers are coin flips, and recovering the top
value must then look like chance (1 in 10)."""
JITTER = 0.05
Z95 = 1.96


@dataclass
class SimulatedPerson:
    """A scripted respondent: known weights (0-1, in Schwartz order) and choice temperature."""

    weights: np.ndarray
    temperature: float
    rng: np.random.Generator

    def probabilities(self, scenario: Scenario) -> np.ndarray:
        # option_features are centred tags, so this is the utility of centred weights
        utilities = option_features(scenario) @ self.weights / self.temperature
        exp = np.exp(utilities - utilities.max())
        return exp / exp.sum()

    def choose(self, scenario: Scenario) -> str:
        """The id of the option this person picks, drawn from their choice probabilities."""
        ids = [o.id for o in scenario.options]
        return ids[int(self.rng.choice(len(ids), p=self.probabilities(scenario)))]

    def answer(self, question: Question) -> str:
        return self.choose(question.scenario)

    def top_value(self) -> int:
        return int(np.argmax(self.weights))


def simulated_people(n: int, seed: int) -> list[np.ndarray]:
    """`n` weight vectors: the authored personas' in turn, each jittered."""
    rng = np.random.default_rng([seed, 1])
    base = [np.array([p.values.weights[v] for v in SCHWARTZ_VALUES]) for p in load_personas()]
    return [
        np.clip(base[i % len(base)] + rng.normal(0.0, JITTER, len(SCHWARTZ_VALUES)), 0, 1) for i in range(n)
    ]


@dataclass
class SessionOutcome:
    """One simulated session: recovery of the top value after each new answer, and the
    consistency measured against the consistency the person's noise implies."""

    recovered: list[bool] = field(default_factory=list)
    in_top3: bool = False
    consistency: float | None = None
    expected_consistency: float | None = None
    """Mean over the session's repeats of the chance the person answers one item the same
    twice (the sum of squared option probabilities)."""


def simulate_session(
    person: SimulatedPerson, bank: Sequence[Scenario], items: int, selection: Selection, seed: int
) -> SessionOutcome:
    session = ElicitationSession(bank, items=items, seed=seed, selection=selection)
    outcome = SessionOutcome()
    same_chance = []
    while (question := session.next_question()) is not None:
        session.record(question, person.answer(question))
        if question.repeat:
            same_chance.append(float((person.probabilities(question.scenario) ** 2).sum()))
        else:
            outcome.recovered.append(int(np.argmax(session.fit().mean)) == person.top_value())
    outcome.in_top3 = person.top_value() in np.argsort(-session.fit().mean)[:3]
    outcome.consistency, _ = session.consistency()
    outcome.expected_consistency = sum(same_chance) / len(same_chance) if same_chance else None
    return outcome


@dataclass(frozen=True)
class Rate:
    """A share with its 95% Wilson interval."""

    value: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, hits: Sequence[bool]) -> Rate:
        n = len(hits)
        if not n:
            return cls(math.nan, math.nan, math.nan, 0)
        p = sum(hits) / n
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        return cls(p, max(0.0, centre - half), min(1.0, centre + half), n)

    def __str__(self) -> str:
        return f"{self.value:.2f} [{self.low:.2f}, {self.high:.2f}]"


@dataclass(frozen=True)
class ValidityRow:
    """One noise level x selection over all simulated people."""

    noise: str
    selection: Selection
    top1: Rate
    top3: Rate
    curve: dict[int, float]
    """Answers -> share of people whose top value the fit recovered by then."""
    consistency: float
    expected_consistency: float


def elicitation_validity(
    bank: Sequence[Scenario],
    people: int = 100,
    items: int = 30,
    seed: int = 20261207,
    noise: Sequence[str] = tuple(NOISE_LEVELS),
    selections: Sequence[Selection] = ("adaptive", "random"),
) -> list[ValidityRow]:
    """Every simulated person answers a whole session at every noise level, with every
    selection (the same people and the same answer draws for each selection)."""
    rows = []
    weights = simulated_people(people, seed)
    for level in noise:
        for selection in selections:
            outcomes = [
                simulate_session(
                    SimulatedPerson(w, NOISE_LEVELS[level], np.random.default_rng([seed, i, 2])),
                    bank,
                    items,
                    selection,
                    seed + i,
                )
                for i, w in enumerate(weights)
            ]
            answered = min(len(o.recovered) for o in outcomes)
            measured = [o.consistency for o in outcomes if o.consistency is not None]
            implied = [o.expected_consistency for o in outcomes if o.expected_consistency is not None]
            rows.append(
                ValidityRow(
                    noise=level,
                    selection=selection,
                    top1=Rate.of([o.recovered[-1] for o in outcomes]),
                    top3=Rate.of([o.in_top3 for o in outcomes]),
                    curve={
                        n: sum(o.recovered[n - 1] for o in outcomes) / len(outcomes)
                        for n in range(1, answered + 1)
                    },
                    consistency=float(np.mean(measured)) if measured else math.nan,
                    expected_consistency=float(np.mean(implied)) if implied else math.nan,
                )
            )
    return rows


def answers_needed(curve: dict[int, float], target: float) -> int | None:
    """The fewest answers after which the recovery share reaches `target` (None: never)."""
    return next((n for n, share in sorted(curve.items()) if share >= target), None)


def adaptive_and_random(rows: Sequence[ValidityRow], noise: str) -> tuple[ValidityRow, ValidityRow]:
    """The adaptive and the random row of one noise level."""
    found = {r.selection: r for r in rows if r.noise == noise}
    return found["adaptive"], found["random"]
