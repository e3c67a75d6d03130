#!/usr/bin/env python3
"""Validate the blind profile set: structure, parsing, intent.json schema, verbatim evidence."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VALUES = [
    "self_direction",
    "stimulation",
    "hedonism",
    "achievement",
    "power",
    "security",
    "conformity",
    "tradition",
    "benevolence",
    "universalism",
]
KINDS = {
    "address",
    "max_words",
    "max_bullets",
    "no_bullets",
    "max_paragraphs",
    "no_emoji",
    "no_headings",
    "forbidden_phrase",
    "avoid_topic",
    "language",
    "other",
}
FORMATS = {"custom_instructions", "openclaw", "hearth", "vcp", "prism"}
INTENT_KEYS = [
    "format",
    "files",
    "name",
    "call_them",
    "description",
    "values_ranking",
    "value_evidence",
    "negations",
    "walls",
    "facts",
    "private",
]
CI_HEAD_1 = "What would you like ChatGPT to know about you to provide better responses?"
CI_HEAD_2 = "How would you like ChatGPT to respond?"
PRISM_KEYS = [
    "user_id",
    "self_description",
    "system_string",
    "age",
    "gender",
    "employment_status",
    "education",
    "marital_status",
    "english_proficiency",
    "religion",
    "ethnicity",
    "location",
    "lm_familiarity",
    "lm_frequency_use",
    "lm_usecases",
    "stated_prefs",
    "order_stated_prefs",
]

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def strings_in(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from strings_in(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings_in(v)


def check_format(where, fmt, folder, files, parsed):
    if fmt == "custom_instructions":
        for f in files:
            if f.endswith(".txt"):
                t = (folder / f).read_text(encoding="utf-8")
                lines = t.splitlines()
                if CI_HEAD_1 not in lines or CI_HEAD_2 not in lines:
                    err(where, "custom_instructions.txt missing a box heading on its own line")
                    continue
                i1, i2 = lines.index(CI_HEAD_1), lines.index(CI_HEAD_2)
                box1 = "\n".join(lines[i1 + 1 : i2]).strip()
                box2 = "\n".join(lines[i2 + 1 :]).strip()
                for n, b in (("box1", box1), ("box2", box2)):
                    if not b or len(b) > 1500:
                        err(where, f"{n} length {len(b)} not in 1..1500")
            elif f.endswith(".json"):
                o = parsed[f]
                if set(o) != {"about_user_message", "about_model_message"}:
                    err(where, f"CI json keys {sorted(o)}")
                for k in o:
                    if not (0 < len(o[k]) <= 1500):
                        err(where, f"{k} length {len(o[k])}")
    elif fmt == "openclaw":
        if sorted(files) != ["SOUL.md", "USER.md"]:
            err(where, f"openclaw files {files}")
    elif fmt == "hearth":
        t = (folder / "hearth_spec.txt").read_text(encoding="utf-8")
        a, b = t.find("[HEARTH OPERATING SPECIFICATION]"), t.find("[END OPERATING SPECIFICATION]")
        if a < 0 or b < a:
            err(where, "hearth block markers missing/out of order")
        if "WHO YOU'RE WORKING WITH:" not in t:
            err(where, "hearth missing WHO YOU'RE WORKING WITH:")
        if ("[MEMORY]" in t) != ("[/MEMORY]" in t):
            err(where, "unbalanced MEMORY block")
    elif fmt == "vcp":
        o = parsed["profile.json"]
        for k in [
            "vcp_version",
            "profile_id",
            "constitution",
            "public_profile",
            "constraints",
            "private_context",
        ]:
            if k not in o:
                err(where, f"vcp missing {k}")
        if o.get("vcp_version") != "1.0":
            err(where, "vcp_version != 1.0")
        for k in ["id", "version", "persona", "adherence", "scopes"]:
            if k not in o.get("constitution", {}):
                err(where, f"constitution missing {k}")
        if not isinstance(o.get("constraints", {}).get("never", []), list):
            err(where, "constraints.never not a list")
        if not all(isinstance(v, str) for v in o.get("private_context", {}).values()):
            err(where, "private_context values must be strings")
    elif fmt == "prism":
        raw = (folder / "survey.jsonl").read_text(encoding="utf-8")
        lines = [l for l in raw.splitlines() if l.strip()]
        if len(lines) != 1:
            err(where, f"survey.jsonl has {len(lines)} lines")
        o = parsed["survey.jsonl"]
        missing = [k for k in PRISM_KEYS if k not in o]
        if missing:
            err(where, f"prism missing {missing}")
        for k in ["religion", "ethnicity"]:
            if set(o.get(k, {})) != {"self_described", "categorised", "simplified"}:
                err(where, f"prism {k} shape")
        if set(o.get("location", {})) != {"birth_country", "reside_country", "special_region"}:
            err(where, "prism location shape")
        sp = o.get("stated_prefs", {})
        if not all(isinstance(v, (int, float)) and 0 <= v <= 100 for v in sp.values()):
            err(where, "stated_prefs scores out of 0..100")
        if sorted(o.get("order_stated_prefs", [])) != sorted(sp):
            err(where, "order_stated_prefs does not match stated_prefs keys")


def main():
    people = sorted(p.parent for p in ROOT.glob("*/*/intent.json"))
    tops = {}
    rows = []
    for folder in people:
        where = str(folder.relative_to(ROOT))
        try:
            intent = json.loads((folder / "intent.json").read_text(encoding="utf-8"))
        except Exception as e:
            err(where, f"intent.json does not parse: {e}")
            continue
        if list(intent) != INTENT_KEYS:
            err(where, f"intent keys {list(intent)}")
        fmt = intent.get("format")
        if fmt not in FORMATS or folder.parent.name != fmt:
            err(where, f"format {fmt!r} vs folder {folder.parent.name}")
        files = intent.get("files", [])
        actual = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "intent.json")
        if sorted(files) != actual:
            err(where, f"files {files} != folder contents {actual}")

        texts, parsed = [], {}
        for f in actual:
            raw = (folder / f).read_text(encoding="utf-8")
            texts.append(raw)
            if f.endswith(".json") or f.endswith(".jsonl"):
                try:
                    if f.endswith(".jsonl"):
                        objs = [json.loads(l) for l in raw.splitlines() if l.strip()]
                        parsed[f] = objs[0] if objs else {}
                        for o in objs:
                            texts.extend(strings_in(o))
                    else:
                        parsed[f] = json.loads(raw)
                        texts.extend(strings_in(parsed[f]))
                except Exception as e:
                    err(where, f"{f} does not parse: {e}")
        haystack = "\n\u0000\n".join(texts)

        def present(s):
            return isinstance(s, str) and s and s in haystack

        check_format(where, fmt, folder, actual, parsed)

        rank = intent.get("values_ranking", [])
        if sorted(rank) != sorted(VALUES) or len(rank) != 10:
            err(where, f"values_ranking not a permutation of the ten values: {rank}")
        top3 = rank[:3]
        ev = intent.get("value_evidence", {})
        if list(ev) != top3:
            err(where, f"value_evidence keys {list(ev)} != top3 {top3}")
        for v, lst in ev.items():
            if not lst:
                err(where, f"no evidence for {v}")
            for s in lst:
                if not present(s):
                    err(where, f"evidence not verbatim [{v}]: {s!r}")
        for n in intent.get("negations", []):
            if n.get("value") not in VALUES:
                err(where, f"negation value {n.get('value')}")
            if not present(n.get("text")):
                err(where, f"negation not verbatim: {n.get('text')!r}")
        for w in intent.get("walls", []):
            if w.get("kind") not in KINDS:
                err(where, f"wall kind {w.get('kind')}")
            if set(w) != {"text", "kind", "parameter"}:
                err(where, f"wall keys {sorted(w)}")
            t = w.get("text", "")
            if t.startswith("constraints.") and fmt == "vcp":
                key, _, val = t[len("constraints.") :].partition(": ")
                c = parsed["profile.json"].get("constraints", {})
                if key not in c or json.loads(val) != c[key]:
                    err(where, f"constraint wall mismatch: {t}")
            elif not present(t):
                err(where, f"wall not verbatim: {t!r}")
        facts = intent.get("facts", [])
        if not (3 <= len(facts) <= 8):
            err(where, f"{len(facts)} facts")
        priv = intent.get("private")
        if fmt == "vcp":
            pc = list(parsed["profile.json"].get("private_context", {}).values())
            if priv != pc:
                err(where, "private != private_context values")
        elif priv != []:
            err(where, "private must be [] for non-VCP")
        name = intent.get("name")
        if name is not None and not present(name):
            err(where, f"name not in profile: {name!r}")
        ct = intent.get("call_them")
        if ct is not None and not isinstance(ct, str):
            err(where, "call_them must be str or null")
        tops[rank[0] if rank else None] = tops.get(rank[0] if rank else None, 0) + 1
        rows.append((folder.name, fmt, name, ct, top3))

    if len(people) != 15:
        err("set", f"{len(people)} people, expected 15")
    per_fmt = {f: sum(1 for r in rows if r[1] == f) for f in FORMATS}
    if any(v != 3 for v in per_fmt.values()):
        err("set", f"per-format counts {per_fmt}")
    missing_top = [v for v in VALUES if v not in tops]
    if missing_top:
        err("set", f"values never top: {missing_top}")

    print("| slug | format | name | call them | top 3 values |")
    print("|---|---|---|---|---|")
    for slug, fmt, name, ct, top3 in rows:
        print(
            f"| {slug} | {fmt} | {name if name is not None else '(null)'} | "
            f"{ct if ct is not None else '(null)'} | {', '.join(top3)} |"
        )
    print()
    print("top-value counts:", dict(sorted(tops.items())))
    if errors:
        print(f"\n{len(errors)} ERRORS")
        for e in errors:
            print(" -", e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
