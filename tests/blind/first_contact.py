"""First contact of the importers and value inference with the blind profiles (no revision).

Run from the checkout: `python tests/blind/first_contact.py`. Until issue 16's
`personalign personas infer-check` replaces it, this is how the figures in README.md were
made.
"""

import collections
import json
from pathlib import Path

import numpy as np

from personalign.personas import SCHWARTZ_VALUES, UserError, import_profiles
from personalign.scorers import embed

ROOT = Path(__file__).parent / "profiles"
KIND_TO_RULE = {
    "max_words": "max_words",
    "no_bullets": "no_bullet_lists",
    "no_emoji": "no_emoji",
    "forbidden_phrase": "forbidden_phrases",
    "language": "required_language",
}


def spearman(a, b):
    ra = np.array([a.index(v) for v in SCHWARTZ_VALUES])
    rb = np.array([b.index(v) for v in SCHWARTZ_VALUES])
    return float(np.corrcoef(ra, rb)[0, 1])


rows, ids = [], collections.Counter()
wall_hits = collections.Counter()
wall_total = collections.Counter()
inverted = 0
for intent_path in sorted(ROOT.glob("*/*/intent.json")):
    intent = json.loads(intent_path.read_text())
    folder = intent_path.parent
    fmt = intent["format"]
    files = intent["files"]
    try:
        if fmt == "openclaw":
            res = import_profiles(
                "openclaw",
                folder / "SOUL.md",
                embed,
                user_file=folder / "USER.md" if (folder / "USER.md").exists() else None,
            )
        else:
            res = import_profiles(fmt, folder / files[0], embed)
    except UserError as err:
        rows.append((fmt, folder.name, "ERROR", str(err)[:80]))
        continue
    p = res[0].persona
    ids[p.id] += 1
    ranked = list(p.values.ranked())
    want = intent["values_ranking"]
    name_ok = bool(intent["name"]) and intent["name"].split()[0].lower() in p.name.lower()
    rules = [w.rule.type for w in p.walls if w.rule is not None]
    for w in intent["walls"]:
        rule = KIND_TO_RULE.get(w["kind"])
        if rule:
            wall_total[rule] += 1
            wall_hits[rule] += rule in rules
    rows.append(
        (
            fmt,
            folder.name,
            p.id,
            p.name,
            name_ok if intent["name"] else None,
            ranked[0] == want[0],
            len(set(ranked[:3]) & set(want[:3])),
            round(spearman(ranked, want), 2),
            round(p.values.confidence, 2),
            intent["name"],
            want[0],
            ranked[0],
        )
    )

ok = [r for r in rows if r[2] != "ERROR"]
print("profiles", len(rows), "imported", len(ok), "errors", [r for r in rows if r[2] == "ERROR"])
print("top-1 correct", sum(r[5] for r in ok), "/", len(ok), f"= {sum(r[5] for r in ok) / len(ok):.2f}")
print("mean top-3 overlap", round(np.mean([r[6] for r in ok]), 2))
print(
    "mean Spearman",
    round(np.mean([r[7] for r in ok]), 2),
    "median",
    round(float(np.median([r[7] for r in ok])), 2),
)
named = [r for r in ok if r[4] is not None]
print("name kept", sum(r[4] for r in named), "/", len(named))
print(
    "id collisions",
    {k: v for k, v in ids.items() if v > 1},
    "generic ids",
    [r[2] for r in ok if r[2] in ("hearth-user", "custom-instructions-user") or r[2].startswith("openclaw-")][
        :20
    ],
)
print("walls recall by rule", {k: f"{wall_hits[k]}/{wall_total[k]}" for k in wall_total})
conf = [(r[8], r[5]) for r in ok]
lo = [c for c in conf if c[0] < np.median([c[0] for c in conf])]
hi = [c for c in conf if c[0] >= np.median([c[0] for c in conf])]
print(
    "top-1 by confidence half: low",
    round(np.mean([c[1] for c in lo]), 2),
    "high",
    round(np.mean([c[1] for c in hi]), 2),
)
by_fmt = collections.defaultdict(list)
for r in ok:
    by_fmt[r[0]].append(r)
for f, rs in by_fmt.items():
    print(
        f,
        "top1",
        sum(r[5] for r in rs),
        "/",
        len(rs),
        "spearman",
        round(np.mean([r[7] for r in rs]), 2),
        "names",
        sum(bool(r[4]) for r in rs if r[4] is not None),
        "/",
        sum(r[4] is not None for r in rs),
    )
for r in ok:
    print("  ", r)
