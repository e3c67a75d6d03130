"""What changed between two versions of one person: values, walls, stated choices and the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from personalign.personas._schema import SCHWARTZ_VALUES, Persona

WEIGHT_STEP = 0.005
"""Weight changes smaller than this are rounding, not a change."""


@dataclass(frozen=True)
class Change:
    """One difference: `before` is None for something added, `after` None for something removed."""

    section: str
    item: str
    before: str | None
    after: str | None

    def line(self) -> str:
        if self.before is None:
            return f"  + {self.item}: {self.after}" if self.item else f"  + {self.after}"
        if self.after is None:
            return f"  - {self.item}: {self.before}" if self.item else f"  - {self.before}"
        return f"  ~ {self.item}: {self.before} -> {self.after}"


def _wall(wall: Any) -> str:
    return wall.text + (f" [{wall.rule.type}]" if wall.rule else "")


def _listed(section: str, before: list[str], after: list[str]) -> list[Change]:
    """Items of a list added or removed (order ignored)."""
    return [Change(section, "", None, item) for item in after if item not in before] + [
        Change(section, "", item, None) for item in before if item not in after
    ]


def _shown(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _fields(section: str, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Fields of a flat record whose value changed (lists compared item by item)."""
    changes: list[Change] = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            changes += _listed(f"{section}.{key}", list(old or []), list(new or []))
        else:
            changes.append(
                Change(
                    section,
                    key,
                    None if old in (None, "") else str(old),
                    None if new in (None, "") else str(new),
                )
            )
    return changes


def persona_diff(old: Persona, new: Persona) -> list[Change]:
    """Every difference from `old` to `new`, values first, then walls and stated choices."""
    changes: list[Change] = []
    for value in SCHWARTZ_VALUES:
        was, now = old.values.weights[value], new.values.weights[value]
        if abs(now - was) >= WEIGHT_STEP:
            changes.append(Change("values", value, f"{was:.2f}", f"{now:.2f} ({now - was:+.2f})"))
    old_top, new_top = old.values.ranked()[:3], new.values.ranked()[:3]
    if old_top != new_top:
        changes.append(Change("values", "top three", ", ".join(old_top), ", ".join(new_top)))
    if old.values.source != new.values.source:
        changes.append(Change("values", "source", old.values.source, new.values.source))
    changes += _listed("values.statements", old.values.statements, new.values.statements)
    changes += _listed("walls", [_wall(w) for w in old.walls], [_wall(w) for w in new.walls])
    for scenario in dict.fromkeys([*old.stated_choices, *new.stated_choices]):
        chose, chooses = old.stated_choices.get(scenario), new.stated_choices.get(scenario)
        if chose != chooses:
            changes.append(Change("stated choices", scenario, chose, chooses))
    old_e, new_e = old.elicitation, new.elicitation
    consistency = (old_e.consistency if old_e else None, new_e.consistency if new_e else None)
    if consistency[0] != consistency[1]:
        shown = [None if c is None else f"{c:.2f}" for c in consistency]
        changes.append(Change("elicitation", "consistency", shown[0], shown[1]))
    for field in ("id", "kind", "name", "summary"):
        if getattr(old, field) != getattr(new, field):
            changes.append(Change("identity", field, str(getattr(old, field)), str(getattr(new, field))))
    for section in ("communication", "context", "demographics"):
        changes += _fields(section, getattr(old, section).model_dump(), getattr(new, section).model_dump())
    changes += _listed("prescriptions", old.prescriptions, new.prescriptions)
    changes += _listed("facts", old.facts, new.facts)
    return changes


def diff_text(changes: list[Change], old_label: str, new_label: str) -> str:
    """The changes as text, grouped by section; one line when there are none."""
    if not changes:
        return f"{old_label} and {new_label}: no differences"
    lines = [f"{old_label} -> {new_label}: {len(changes)} changes"]
    for section in dict.fromkeys(c.section for c in changes):
        lines.append(section)
        lines += [c.line() for c in changes if c.section == section]
    return "\n".join(lines)
