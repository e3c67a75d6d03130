"""First contact of the importers and value inference with the blind profiles (no revision).

Run from the checkout: `python tests/blind/first_contact.py`. Until issue 16's
`personalign personas infer-check` replaces it, this is how the figures in README.md were
made. It reads each profile's `intent.json` (its author's ground truth) beside it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from personalign.personas import import_profiles
from personalign.personas._infer_check import spearman
from personalign.scorers import embed

ROOT = Path(__file__).parent / "profiles"
# The author's wall kinds that the suite can check by machine, and the rule each should become.
KIND_TO_RULE = {
    "max_words": "max_words",
    "no_bullets": "no_bullet_lists",
    "no_emoji": "no_emoji",
    "forbidden_phrase": "forbidden_phrases",
    "language": "required_language",
}


@dataclass
class Outcome:
    fmt: str
    person: str
    persona_id: str
    name_kept: bool | None  # None: the profile gives no name
    top1: bool
    top3: int
    spearman: float
    confidence: float


def main() -> None:
    outcomes: list[Outcome] = []
    walls_found, walls_total = Counter[str](), Counter[str]()
    for intent_path in sorted(ROOT.glob("*/*/intent.json")):
        intent, folder = json.loads(intent_path.read_text(encoding="utf-8")), intent_path.parent
        fmt = intent["format"]
        user = folder / "USER.md"
        source = folder / ("SOUL.md" if fmt == "openclaw" else intent["files"][0])
        extra = {"user_file": user} if fmt == "openclaw" and user.exists() else {}
        persona = import_profiles(fmt, source, embed, **extra)[0].persona  # type: ignore[arg-type]
        ranked, wanted = list(persona.values.ranked()), intent["values_ranking"]
        rules = {w.rule.type for w in persona.walls if w.rule is not None}
        for wall in intent["walls"]:
            if rule := KIND_TO_RULE.get(wall["kind"]):
                walls_total[rule] += 1
                walls_found[rule] += rule in rules
        name = intent["name"]
        outcomes.append(
            Outcome(
                fmt=fmt,
                person=folder.name,
                persona_id=persona.id,
                name_kept=name.split()[0].lower() in persona.name.lower() if name else None,
                top1=ranked[0] == wanted[0],
                top3=len(set(ranked[:3]) & set(wanted[:3])),
                spearman=spearman(ranked, wanted),
                confidence=persona.values.confidence,
            )
        )
    n = len(outcomes)
    print(f"profiles imported: {n}")
    print(f"top-1 correct: {sum(o.top1 for o in outcomes)}/{n}")
    print(f"mean top-3 overlap: {np.mean([o.top3 for o in outcomes]):.2f}")
    print(f"mean Spearman: {np.mean([o.spearman for o in outcomes]):.2f}")
    named = [o for o in outcomes if o.name_kept is not None]
    print(f"names kept: {sum(bool(o.name_kept) for o in named)}/{len(named)}")
    ids = Counter(o.persona_id for o in outcomes)
    print(f"ids shared by several profiles: { {i: c for i, c in ids.items() if c > 1} }")
    print("walls recognised: " + ", ".join(f"{r} {walls_found[r]}/{walls_total[r]}" for r in walls_total))
    middle = float(np.median([o.confidence for o in outcomes]))
    low = [o.top1 for o in outcomes if o.confidence < middle]
    high = [o.top1 for o in outcomes if o.confidence >= middle]
    print(f"top-1 by confidence: lower half {np.mean(low):.2f}, upper half {np.mean(high):.2f}")
    by_format: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_format[outcome.fmt].append(outcome)
    for fmt, group in sorted(by_format.items()):
        print(f"  {fmt}: top-1 {sum(o.top1 for o in group)}/{len(group)}")


if __name__ == "__main__":
    main()
