"""How well value inference recovers people's own value rankings: on persona files (their
weights are the truth, their text the input) or on imported profiles whose authors wrote
down the ranking they meant (`intent.json` beside each profile, as in tests/blind/)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from personalign.personas._errors import DataFileError, read_text
from personalign.personas._import import import_profiles
from personalign.personas._infer import Embed, infer_values
from personalign.personas._load import load_personas
from personalign.personas._schema import SCHWARTZ_VALUES, Persona
from personalign.personas._wall_text import LANGUAGE_CODES, fold_accents

# Confidence bins of the reliability table.
BINS = ((0.0, 1 / 3), (1 / 3, 2 / 3), (2 / 3, 1.0001))


@dataclass(frozen=True)
class InferenceOutcome:
    person: str
    top1: bool
    top3: int  # of the true top three, how many are in the inferred top three
    spearman: float
    confidence: float
    # Imported profiles only: what the import kept of what the author meant.
    persona_id: str = ""
    name_kept: bool | None = None  # None: the author gives no name
    walls: tuple[tuple[str, bool], ...] = ()  # (author's wall kind, read as that rule)


# The author's wall kinds that have a machine-checkable rule, and that rule's type.
WALL_KIND_RULES = {
    "address": "required_phrases",
    "forbidden_phrase": "forbidden_phrases",
    "language": "required_language",
    "max_words": "max_words",
    "max_bullets": "max_bullet_points",
    "no_bullets": "no_bullet_lists",
    "no_emoji": "no_emoji",
}


def _wall_read(wall: dict, persona: Persona) -> bool:
    """Whether the import holds the author's wall as its rule, with the author's number,
    language, phrase or form."""
    kind, parameter = wall.get("kind"), wall.get("parameter")
    wanted = str(parameter).strip("'\"").lower() if parameter is not None else ""
    # An address wall that only refuses a form ("not 'dear'") is a forbidden phrase.
    refuses = kind == "address" and wanted.startswith("not ")
    wanted = wanted.removeprefix("not ").strip("'\"") if refuses else wanted
    for rule in (w.rule for w in persona.walls if w.rule is not None):
        if rule.type != ("forbidden_phrases" if refuses else WALL_KIND_RULES.get(str(kind))):
            continue
        if kind in ("max_words", "max_bullets"):
            found = str(getattr(rule, "limit", "")) == wanted
        elif kind == "language":  # "Norwegian bokmål", "Japanese (teineigo)": any language named
            named = [code for name, code in LANGUAGE_CODES.items() if name in wanted.split()]
            found = getattr(rule, "language", "") in (named or [wanted])
        elif kind in ("forbidden_phrase", "address"):
            phrases = [p.lower() for p in getattr(rule, "phrases", [])]
            found = any(wanted and (wanted in p or p in wanted) for p in phrases)
        else:
            found = True
        if found:
            return True
    return False


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


def import_intent(path: Path, embed: Embed) -> tuple[dict, Persona]:
    """One `FORMAT/PERSON/intent.json` and the import of the profile beside it (for OpenClaw,
    SOUL.md with USER.md)."""
    intent = json.loads(read_text(path, "an intent.json"))
    truth = intent.get("values_ranking")
    if not isinstance(truth, list) or sorted(truth) != sorted(SCHWARTZ_VALUES):
        raise DataFileError(path, ["field 'values_ranking': expected all ten values, most important first"])
    folder, fmt = path.parent, intent.get("format")
    user = folder / "USER.md"
    source = folder / ("SOUL.md" if fmt == "openclaw" else str((intent.get("files") or [""])[0]))
    user_file = user if fmt == "openclaw" and user.exists() else None
    return intent, import_profiles(fmt, source, embed, user_file=user_file)[0].persona


def check_intents(root: Path, embed: Embed) -> list[InferenceOutcome]:
    """Import every `FORMAT/PERSON/` profile under `root` and compare with its intent.json."""
    intents = sorted(root.glob("*/*/intent.json"))
    if not intents:
        raise DataFileError(root, ["holds no FORMAT/PERSON/intent.json profiles"])
    outcomes = []
    for path in intents:
        intent, persona = import_intent(path, embed)
        folder, fmt, truth = path.parent, intent["format"], intent["values_ranking"]
        profile = persona.values
        outcome = _outcome(f"{fmt}/{folder.name}", list(profile.ranked()), truth, profile.confidence or 0.0)
        name = intent.get("name")
        walls = [
            w for w in intent.get("walls") or [] if isinstance(w, dict) and w.get("kind") in WALL_KIND_RULES
        ]
        outcomes.append(
            replace(
                outcome,
                persona_id=persona.id,
                # The first word the author wrote of the name, accents and case aside.
                name_kept=(
                    fold_accents(str(name).split()[0]).lower() in fold_accents(persona.name).lower()
                    if name
                    else None
                ),
                walls=tuple((str(w["kind"]), _wall_read(w, persona)) for w in walls),
            )
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
    if any(o.persona_id for o in outcomes):
        lines += ["", *_import_lines(outcomes)]
    return "\n".join(lines)


def _import_lines(outcomes: list[InferenceOutcome]) -> list[str]:
    """What the imports kept: names, distinct ids, and each kind of wall as its rule."""
    named = [o for o in outcomes if o.name_kept is not None]
    shared = sum(n for n in Counter(o.persona_id for o in outcomes).values() if n > 1)
    kinds: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        for kind, read in o.walls:
            kinds[kind].append(read)
    walls = ", ".join(f"{kind} {sum(read)}/{len(read)}" for kind, read in sorted(kinds.items()))
    return [
        f"names kept {sum(bool(o.name_kept) for o in named)}/{len(named)}; "
        f"profiles sharing an id {shared}/{len(outcomes)}",
        f"walls read as their rule (author's kind): {walls or 'none'}",
    ]
