"""How well value inference recovers people's own value rankings: on persona files (their
weights are the truth, their text the input) or on imported profiles whose authors wrote
down the ranking they meant (`intent.json` beside each profile, as in tests/blind/)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from personalign.personas._errors import DataFileError, read_text
from personalign.personas._import import import_profiles
from personalign.personas._infer import Embed, infer_values
from personalign.personas._load import load_personas
from personalign.personas._schema import SCHWARTZ_VALUES, Persona

# Confidence bins of the reliability table.
BINS = ((0.0, 1 / 3), (1 / 3, 2 / 3), (2 / 3, 1.0001))


@dataclass(frozen=True)
class InferenceOutcome:
    person: str
    top1: bool
    top3: int  # of the true top three, how many are in the inferred top three
    spearman: float
    confidence: float


def spearman(inferred: Sequence[str], truth: Sequence[str]) -> float:
    """Rank correlation of two orderings of the ten values."""
    return float(
        np.corrcoef([inferred.index(v) for v in SCHWARTZ_VALUES], [truth.index(v) for v in SCHWARTZ_VALUES])[
            0, 1
        ]
    )


def _outcome(
    person: str, inferred: Sequence[str], truth: Sequence[str], confidence: float
) -> InferenceOutcome:
    return InferenceOutcome(
        person=person,
        top1=inferred[0] == truth[0],
        top3=len(set(inferred[:3]) & set(truth[:3])),
        spearman=spearman(inferred, truth),
        confidence=confidence,
    )


def persona_text(persona: Persona) -> list[str]:
    """Everything a persona file says about the person in words (not its value weights)."""
    c = persona.context
    parts = [persona.summary, *persona.values.statements, c.work, c.situation, *c.goals, *c.expertise]
    return [p for p in [*parts, *persona.facts, *persona.prescriptions] if p]


def check_personas(source: str | Path | None, embed: Embed) -> list[InferenceOutcome]:
    """Infer each persona's values from its text and compare with its own weights."""
    outcomes = []
    for persona in load_personas(source):
        inferred = infer_values(persona_text(persona), embed).profile
        truth = list(persona.values.ranked())
        outcomes.append(_outcome(persona.id, list(inferred.ranked()), truth, inferred.confidence or 0.0))
    return outcomes


def check_intents(root: Path, embed: Embed) -> list[InferenceOutcome]:
    """Import every `FORMAT/PERSON/` profile under `root` and compare with its intent.json."""
    intents = sorted(root.glob("*/*/intent.json"))
    if not intents:
        raise DataFileError(root, ["holds no FORMAT/PERSON/intent.json profiles"])
    outcomes = []
    for path in intents:
        intent = json.loads(read_text(path, "an intent.json"))
        folder, fmt = path.parent, intent.get("format")
        truth = intent.get("values_ranking")
        if not isinstance(truth, list) or sorted(truth) != sorted(SCHWARTZ_VALUES):
            raise DataFileError(
                path, ["field 'values_ranking': expected all ten values, most important first"]
            )
        user = folder / "USER.md"
        source = folder / ("SOUL.md" if fmt == "openclaw" else str((intent.get("files") or [""])[0]))
        user_file = user if fmt == "openclaw" and user.exists() else None
        persona = import_profiles(fmt, source, embed, user_file=user_file)[0].persona
        profile = persona.values
        outcomes.append(
            _outcome(f"{fmt}/{folder.name}", list(profile.ranked()), truth, profile.confidence or 0.0)
        )
    return outcomes


def inference_report(outcomes: list[InferenceOutcome]) -> str:
    """The figures and the reliability table (top-1 accuracy by confidence), as text."""
    n = len(outcomes)
    top1 = [o.top1 for o in outcomes]
    rho = [o.spearman for o in outcomes]
    lines = [
        f"{n} people: top-1 correct {sum(top1)}/{n} ({np.mean(top1):.2f}), "
        f"top-3 overlap {np.mean([o.top3 for o in outcomes]):.2f} of 3, "
        f"Spearman {np.mean(rho):.2f} (median {np.median(rho):.2f})",
        "",
        "confidence   people   top-1 correct",
    ]
    for low, high in BINS:
        members = [o for o in outcomes if low <= o.confidence < high]
        share = f"{np.mean([o.top1 for o in members]):.2f}" if members else "-"
        lines.append(f"{low:.2f}-{min(high, 1.0):.2f}   {len(members):>6}   {share:>13}")
    return "\n".join(lines)
