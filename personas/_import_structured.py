"""Importers for structured profiles: OpenClaw SOUL.md/USER.md and Creed Space VCP context."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from personalign.personas._import_common import (
    ImportReport,
    ImportResult,
    assemble,
    default_id,
    find_name,
    slug,
)
from personalign.personas._infer import Embed
from personalign.personas._schema import (
    Communication,
    LifeContext,
    MaxBulletPoints,
    MaxSentences,
    MaxWords,
    NoBulletLists,
    NoEmoji,
    NoExclamationMarks,
    Provenance,
    Wall,
    WallRule,
)
from personalign.personas._wall_text import (
    communication_from_text,
    is_wall,
    split_sentences,
    split_walls,
    walls_from_text,
)

_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*$", re.M)
# A USER.md field: "- **Name:** value" (the template), "- Name: value" or "**Name:** value".
_FIELD = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*([^*:\n]{1,40}?):?\*\*:?|([A-Za-z][\w ]{0,30}?):)\s+(\S.*)$", re.M
)


def _markdown_sections(text: str) -> dict[str, str]:
    """Heading -> body, front matter removed; headings matched loosely (lower case)."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    parts = _HEADING.split(text)
    sections = {"": parts[0]}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[heading.strip().lower()] = body.strip()
    return sections


def _find(sections: dict[str, str], *names: str) -> str:
    return next((body for heading, body in sections.items() for n in names if n in heading), "")


def _user_prose(user: str) -> str:
    """USER.md's text about the person: its Context section first, then every other section
    under whatever headings the person chose, without the field lines and the title."""
    sections = _markdown_sections(user)
    ordered = sorted(sections.items(), key=lambda item: "context" not in item[0])
    bodies = [_FIELD.sub("", body) for _, body in ordered]
    return "\n".join(b.strip() for b in bodies if b.strip())


def import_openclaw(
    soul: str, embed: Embed, user: str | None = None, persona_id: str | None = None
) -> ImportResult:
    """OpenClaw's SOUL.md (how the agent should be) with USER.md (who the human is).

    Boundaries become walls (and prescriptions where they are not prohibitions), Core Truths
    and Vibe become prescriptions and tone, USER.md fields and Context become the person.
    """
    report = ImportReport()
    soul_sections = _markdown_sections(soul)
    boundaries = split_sentences(_find(soul_sections, "boundar", "non-negotiable"))
    truths = split_sentences(_find(soul_sections, "core truth", "prime directive"))
    vibe = _find(soul_sections, "vibe", "style")
    if not (boundaries or truths or vibe or (user and user.strip())):
        raise ValueError(
            "not an OpenClaw SOUL.md: expected Markdown sections such as '## Core Truths', "
            "'## Boundaries' or '## Vibe' (and the person in USER.md, --user)"
        )
    walls, limits = split_walls(boundaries)
    prescriptions = truths + limits
    report.kept.append(f"SOUL.md Boundaries as {len(walls)} walls; Core Truths as prescriptions")
    if _find(soul_sections, "continuity"):
        report.dropped.append("SOUL.md Continuity (how the agent keeps memory, not about the person)")
    communication, notes = communication_from_text(vibe)
    if vibe:
        communication = communication.model_copy(update={"tone": " ".join(split_sentences(vibe)[:1])[:120]})
        report.kept.append("SOUL.md Vibe as communication.tone")
    report.inferred.extend(notes)

    fields: dict[str, str] = {}
    context_text = ""
    if user:
        fields = {
            (bold or plain).strip().lower(): value.strip().strip("*").strip()
            for bold, plain, value in _FIELD.findall(user)
            if value.strip().strip("*").strip()
        }
        context_text = _user_prose(user)
        report.kept.append(
            f"USER.md fields {sorted(fields)} and its prose ({len(context_text.split())} words)"
        )
    else:
        report.dropped.append("no USER.md: the person is known only through SOUL.md")
    name = (
        fields.get("name")
        or fields.get("what to call them")
        or fields.get("preferred name")
        or find_name(user or "", r"my name is|my name's|call me|i'm|i am")
    )
    facts = [
        f"{key.capitalize()}: {value}" for key, value in fields.items() if key in ("pronouns", "timezone")
    ]
    about = split_sentences(fields.get("notes", "")) + split_sentences(context_text)
    call = fields.get("what to call them", "")
    if is_wall(f"Always {call}"):  # a formal form ("Mr Mehta", "Fru Halvorsen") is a wall
        about.insert(0, f"Always address them as {call}.")
    user_walls, described = split_walls(about)
    walls += user_walls
    facts += described
    if user_walls:
        report.kept.append(f"USER.md rule sentences as {len(user_walls)} walls")
    return assemble(
        persona_id=persona_id or default_id("openclaw", name, soul + (user or "")),
        kind="real",
        name=name or "",
        summary=(
            [s for s in split_sentences(context_text) if not is_wall(s)]
            or [f"{name or 'The person'}, as described in their OpenClaw files."]
        )[0],
        value_texts=facts + truths + boundaries,
        embed=embed,
        report=report,
        provenance=Provenance(
            source="OpenClaw SOUL.md" + (" + USER.md" if user else ""),
            licence="provided by the person; redistribution needs their consent",
            consent="provided by the person for this evaluation",
            contains_pii=bool(user),
            imported_from="openclaw",
        ),
        walls=walls,
        prescriptions=prescriptions,
        facts=facts,
        communication=communication,
    )


_FEEDBACK_STYLE = {
    "direct": {"verbosity": "terse", "tone": "direct"},
    "minimal": {"verbosity": "terse", "tone": "minimal"},
    "detailed": {"verbosity": "expansive", "tone": "detailed"},
    "encouraging": {"tone": "encouraging"},
    "encouragement": {"tone": "encouraging"},
}


# The top-level keys of a VCP context; every other key is reported as dropped.
_VCP_OBJECTS = (
    "constitution", "portable_preferences", "constraints", "availability", "private_context",
    "personal_state", "prosaic", "sharing_settings",
)  # fmt: skip
_VCP_KNOWN = {"vcp_version", "profile_id", "public_profile", *_VCP_OBJECTS}
# Sections whose free text describes the person (the others are private, momentary or rules).
_VCP_TEXT_KEPT = ("portable_preferences", "constraints", "availability")


# VCP constraint flags with a machine-checkable rule: boolean flags, and numeric caps.
_VCP_FLAGS: dict[str, Callable[[], WallRule]] = {
    "no_bullet_lists": lambda: NoBulletLists(type="no_bullet_lists"),
    "no_bullets": lambda: NoBulletLists(type="no_bullet_lists"),
    "no_emoji": lambda: NoEmoji(type="no_emoji"),
    "no_emojis": lambda: NoEmoji(type="no_emoji"),
    "no_exclamation_marks": lambda: NoExclamationMarks(type="no_exclamation_marks"),
}
_VCP_CAPS: dict[str, Callable[[int], WallRule]] = {
    "max_words": lambda n: MaxWords(type="max_words", limit=n),
    "max_bullets": lambda n: MaxBulletPoints(type="max_bullet_points", limit=n),
    "max_bullet_points": lambda n: MaxBulletPoints(type="max_bullet_points", limit=n),
    "max_sentences": lambda n: MaxSentences(type="max_sentences", limit=n),
}


def _vcp_walls(constraints: dict[str, Any]) -> tuple[list[Wall], set[str]]:
    """VCP's rule constraints as walls: `never` (things the assistant must never do), flags
    with a rule (`no_bullet_lists`, `no_emoji`, ...), caps (`max_words`, `max_bullets`, ...),
    and any other true `no_*` flag as a wall without a rule; and the keys read."""
    walls: list[Wall] = []
    read: set[str] = set()
    never = constraints.get("never")
    if isinstance(never, str):
        never = [never]
    if isinstance(never, list):
        read.add("never")
        for item in never:
            if isinstance(item, str) and item.strip():
                text = item.strip()
                walls += walls_from_text(text if is_wall(text) else f"Never {text[0].lower()}{text[1:]}")
    for key, value in constraints.items():
        flag = f"constraints.{key}: {json.dumps(value)}"
        if key in _VCP_FLAGS and value is True:
            walls.append(Wall(text=flag, rule=_VCP_FLAGS[key]()))
        elif key in _VCP_CAPS and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            walls.append(Wall(text=flag, rule=_VCP_CAPS[key](value)))
        elif key.startswith("no_") and value is True:
            walls.append(Wall(text=flag))  # a wall a human can check, with no rule of ours
        else:
            continue
        read.add(key)
    return walls, read


def import_vcp(context: dict[str, Any], embed: Embed) -> ImportResult:
    """A Creed Space Value Context Protocol context (JSON object).

    `private_context` and `personal_state` are dropped: VCP marks the first as never to leave
    the person's side, and the second is momentary state, not the person.
    """
    report = ImportReport()
    if not isinstance(context, dict):
        raise ValueError(f"VCP context: expected a JSON object, got {type(context).__name__}")
    for required in ("profile_id", "public_profile"):
        if required not in context:
            raise ValueError(f"VCP context: field '{required}' is missing")
    if not isinstance(context["public_profile"], dict):
        kind = type(context["public_profile"]).__name__
        raise ValueError(f"VCP context: field 'public_profile' must be an object, got {kind}")
    # Exports put free text where an object belongs: kept as a fact where it describes the
    # person, listed as dropped where it does not (or is private), never a reason to fail.
    free_text: list[str] = []
    for key in _VCP_OBJECTS:
        value = context.get(key)
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, str) and value.strip() and key in _VCP_TEXT_KEPT:
            free_text.append(f"{key.replace('_', ' ').capitalize()}: {value.strip()}")
            report.kept.append(f"{key} (free text) as a fact")
        else:
            report.dropped.append(f"{key} (expected an object, got {type(value).__name__})")
        context = {**context, key: {}}
    report.dropped += [
        f"{key} (not a VCP field this importer knows)" for key in sorted(set(context) - _VCP_KNOWN)
    ]
    public: dict[str, Any] = context.get("public_profile") or {}
    prefs: dict[str, Any] = context.get("portable_preferences") or {}
    constraints: dict[str, Any] = context.get("constraints") or {}
    availability: dict[str, Any] = context.get("availability") or {}
    name = str(public.get("display_name") or context["profile_id"])
    goals = [str(public[k]) for k in ("goal", "career_goal") if public.get(k)]
    profile_facts = ("experience", "learning_style", "pace", "motivation", "tenure_years", "team")
    facts = [
        f"{k.replace('_', ' ').capitalize()}: {v}" for k, v in public.items() if k in profile_facts and v
    ]
    walls, read_constraints = _vcp_walls(constraints)
    facts += [
        f"Constraint: {k.replace('_', ' ')}"
        for k, v in constraints.items()
        if v is True and k not in read_constraints
    ]
    if walls:
        report.kept.append(f"constraints {sorted(read_constraints)} as {len(walls)} walls")
    facts += [
        f"Preference {k.replace('_', ' ')}: {v}" for k, v in prefs.items() if k != "feedback_style" and v
    ]
    if availability.get("timezone"):
        facts.append(f"Timezone: {availability['timezone']}")
    facts += free_text
    report.kept.append(
        "public_profile, portable_preferences, constraints and availability as context and facts"
    )
    # What those objects hold beyond what is read above is listed, never silently lost.
    read_public = {"display_name", "goal", "career_goal", "role", *profile_facts}
    report.dropped += [f"public_profile.{k} (not read)" for k in sorted(set(public) - read_public)]
    report.dropped += [
        f"constraints.{k} (only true flags, never and the caps max_words, max_bullets and max_sentences "
        f"are read; this is {v!r})"
        for k, v in constraints.items()
        if v is not True and v is not False and k not in read_constraints
    ]
    report.dropped += [f"availability.{k} (not read)" for k in sorted(set(availability) - {"timezone"})]
    style = _FEEDBACK_STYLE.get(str(prefs.get("feedback_style", "")).lower(), {})
    if style:
        report.inferred.append(f"communication {style} from feedback_style={prefs['feedback_style']!r}")
    for dropped, why in [
        ("private_context", "VCP keeps it on the person's side"),
        ("personal_state", "momentary state, not the person"),
        ("prosaic", "momentary state (deprecated field)"),
        ("sharing_settings", "access rules, not the person"),
        ("constitution", "the assistant's constitution; recorded here, not as the person's values"),
    ]:
        if context.get(dropped):
            report.dropped.append(f"{dropped} ({why})")
    constitution = context.get("constitution") or {}
    role = str(public.get("role", ""))
    summary = (
        f"{name}" + (f", {role}" if role else "") + (f", working towards {goals[0]}" if goals else "") + "."
    )
    return assemble(
        persona_id=slug(f"vcp {context['profile_id']}"),
        kind="real",
        name=name,
        summary=summary,
        value_texts=[summary, *goals, *facts],
        embed=embed,
        report=report,
        provenance=Provenance(
            source=f"VCP context {context.get('vcp_version', '')} "
            f"(constitution {constitution.get('id', 'none')})",
            licence="provided by the person; redistribution needs their consent",
            consent="provided by the person for this evaluation",
            contains_pii=True,
            imported_from="vcp",
        ),
        facts=facts,
        walls=walls,
        context=LifeContext(work=role, goals=goals),
        communication=Communication(**style),  # type: ignore[arg-type]
    )
