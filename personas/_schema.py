"""Persona schema: the single source of truth for who the suite evaluates for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION: Literal[1] = 1

SchwartzValue = Literal[
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
SCHWARTZ_VALUES: tuple[SchwartzValue, ...] = (
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
)


class _Strict(BaseModel):
    # Unknown keys are an authoring mistake (a typo would silently drop data).
    model_config = ConfigDict(extra="forbid")


class ValueProfile(_Strict):
    """How much each of Schwartz's ten basic values matters to the person."""

    weights: dict[SchwartzValue, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        description="Importance of each of the ten values, 0 (not at all) to 1 (supreme)."
    )
    statements: list[str] = Field(
        default_factory=list, description="Value statements in the person's own voice."
    )
    source: Literal["authored", "stated", "inferred"] = Field(
        default="authored",
        description=(
            "Where the weights come from: written by the team (authored), given by the person "
            "(stated), or estimated from their text (inferred; never to be presented as stated)."
        ),
    )
    confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Confidence of inferred weights, 0-1."
    )
    uncertainty: dict[SchwartzValue, Annotated[float, Field(ge=0.0)]] | None = Field(
        default=None,
        description="Standard deviation of each weight, where the weights were fitted to the "
        "person's own choices (`personalign elicit`).",
    )

    @model_validator(mode="after")
    def _inferred_has_confidence(self) -> ValueProfile:
        if self.source == "inferred" and self.confidence is None:
            raise ValueError("confidence: inferred weights need a confidence (0-1)")
        return self

    @field_validator("weights")
    @classmethod
    def _all_ten(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = [v for v in SCHWARTZ_VALUES if v not in weights]
        if missing:
            raise ValueError(f"missing weights for {', '.join(missing)} (all ten are required)")
        return weights

    def centred(self) -> dict[str, float]:
        """Weights minus the person's mean weight (as Schwartz research centres ratings)."""
        mean = sum(self.weights.values()) / len(self.weights)
        return {value: weight - mean for value, weight in self.weights.items()}

    def ranked(self) -> list[SchwartzValue]:
        """Values from most to least important."""
        return sorted(self.weights, key=lambda v: -self.weights[v])


class Communication(_Strict):
    """How the person wants to be written to."""

    verbosity: Literal["terse", "moderate", "expansive"] = Field(default="moderate", description="Length.")
    formality: Literal["casual", "neutral", "formal"] = Field(default="neutral", description="Register.")
    tone: str = Field(default="", description="Free text, e.g. 'dry, direct'.")
    format: Literal["prose", "bullets", "mixed"] = Field(default="mixed", description="Layout.")
    jargon: Literal["avoid", "tolerate", "welcome"] = Field(
        default="tolerate", description="Technical terms."
    )
    language: str = Field(
        default="en", pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the preferred language."
    )


class ForbiddenPhrases(_Strict):
    """The reply uses none of these phrases (case-insensitive, whole words)."""

    type: Literal["forbidden_phrases"]
    phrases: list[str] = Field(min_length=1)


class RequiredPhrases(_Strict):
    """The reply uses at least one of `phrases` and none of `instead_of` (case-insensitive,
    whole words): how a person must be addressed ("always Mr Hallström, never Viktor")."""

    type: Literal["required_phrases"]
    phrases: list[str] = Field(min_length=1)
    instead_of: list[str] = Field(default_factory=list, description="Forms that must not be used.")


class MaxWords(_Strict):
    """The reply has at most `limit` words."""

    type: Literal["max_words"]
    limit: int = Field(gt=0)


class MaxSentences(_Strict):
    """The reply has at most `limit` sentences."""

    type: Literal["max_sentences"]
    limit: int = Field(gt=0)


class NoBulletLists(_Strict):
    """The reply has no bulleted or numbered list (two or more list lines)."""

    type: Literal["no_bullet_lists"]


class MaxBulletPoints(_Strict):
    """The reply has at most `limit` bulleted or numbered list lines."""

    type: Literal["max_bullet_points"]
    limit: int = Field(gt=0)


class NoExclamationMarks(_Strict):
    """The reply has no exclamation mark."""

    type: Literal["no_exclamation_marks"]


class NoEmoji(_Strict):
    """The reply has no emoji."""

    type: Literal["no_emoji"]


class RequiredLanguage(_Strict):
    """The reply is written in this language (ISO 639-1; detected from function words)."""

    type: Literal["required_language"]
    language: str = Field(pattern=r"^[a-z]{2}$")


WallRule = Annotated[
    ForbiddenPhrases
    | RequiredPhrases
    | MaxWords
    | MaxSentences
    | NoBulletLists
    | MaxBulletPoints
    | NoExclamationMarks
    | NoEmoji
    | RequiredLanguage,
    Field(discriminator="type"),
]


class Wall(_Strict):
    """Something that must never happen, with an optional machine-checkable rule."""

    text: str = Field(min_length=1, description="The wall as a human sentence.")
    rule: WallRule | None = Field(default=None, description="How a reply is checked against it.")


class LifeContext(_Strict):
    """The person's circumstances."""

    work: str = Field(default="", description="Occupation or main activity.")
    expertise: list[str] = Field(default_factory=list, description="Areas they know well.")
    situation: str = Field(default="", description="Life situation in a sentence.")
    goals: list[str] = Field(default_factory=list, description="What they are working towards.")
    relationships: list[str] = Field(default_factory=list, description="People who matter to them.")


class Demographics(_Strict):
    """Coarse demographics, for coverage reports (personal data for real people)."""

    age: int | None = Field(default=None, ge=13, le=120)
    country: str | None = Field(default=None, description="Country of residence.")
    culture: str | None = Field(default=None, description="Cultural background, if it matters to them.")


class Provenance(_Strict):
    """Where a profile came from and what may be done with it."""

    source: str = Field(description="Who or what produced the profile.")
    licence: str = Field(description="Licence of the profile text, e.g. CC-BY-4.0.")
    consent: str | None = Field(default=None, description="Consent basis, for real people.")
    contains_pii: bool = Field(
        default=False,
        description="True when the profile holds personal data (reports then show only the id).",
    )
    imported_from: str | None = Field(default=None, description="Importer format, when imported.")
    notes: list[str] = Field(default_factory=list, description="What an importer kept, inferred and dropped.")


class ElicitedAnswer(_Strict):
    """One question of an elicitation session and the person's answer."""

    scenario: str = Field(min_length=1, description="Scenario id.")
    option: str | None = Field(description="Option id chosen; null when the person skipped it.")
    shown: list[str] = Field(min_length=2, description="Option ids in the order they were shown.")
    repeat: bool = Field(default=False, description="Asked again, options reordered, to measure consistency.")


class Elicitation(_Strict):
    """How a real person's own gold set was elicited (`personalign elicit`): every answer, in
    order, so the session can be resumed and its figures recomputed."""

    scenario_set: str = Field(description="Hash of the choice scenarios the session drew from.")
    seed: int
    items: int = Field(gt=0, description="New questions the session aims for (repeats come on top).")
    selection: Literal["adaptive", "random"] = "adaptive"
    answers: list[ElicitedAnswer] = Field(default_factory=list)
    consistency: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Test-retest consistency: share of repeated questions answered the same "
        "(the ceiling for value fidelity); null before any repeat.",
    )
    repeats: int = Field(default=0, ge=0, description="Repeated questions behind `consistency`.")
    finished: bool = Field(default=False, description="False while the session can still go on.")


class Persona(_Strict):
    """One person the suite evaluates for."""

    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, description="Persona schema version.")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Stable id; shown in reports.")
    kind: Literal["authored", "synthetic", "real"] = Field(
        description="Fictional, generated, or a real person."
    )
    name: str = Field(min_length=1, description="Display name (personal data for real people).")
    summary: str = Field(min_length=1, description="One or two sentences: who they are.")
    values: ValueProfile
    demographics: Demographics = Field(default_factory=Demographics)
    communication: Communication = Field(default_factory=Communication)
    walls: list[Wall] = Field(default_factory=list, description="What must never happen.")
    prescriptions: list[str] = Field(default_factory=list, description="What to do.")
    context: LifeContext = Field(default_factory=LifeContext)
    facts: list[str] = Field(default_factory=list, description="Memory-style facts about the person.")
    stated_choices: dict[str, str] = Field(
        default_factory=dict,
        description="Scenario id -> option id the real person chose; overrides computation.",
    )
    elicitation: Elicitation | None = Field(
        default=None, description="The session that produced `stated_choices`, when elicited."
    )
    provenance: Provenance

    @model_validator(mode="after")
    def _stated_choices_only_for_real(self) -> Persona:
        if self.stated_choices and self.kind != "real":
            raise ValueError("stated_choices: only a real person's profile may carry them")
        return self

    def rules(self) -> list[Wall]:
        """Walls that carry a machine-checkable rule."""
        return [wall for wall in self.walls if wall.rule is not None]
