"""Persona schema: the single source of truth for who the suite evaluates for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

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

    def ranked(self) -> list[str]:
        """Values from most to least important."""
        return sorted(self.weights, key=lambda v: -self.weights[v])


class Communication(_Strict):
    verbosity: Literal["terse", "moderate", "expansive"] = "moderate"
    formality: Literal["casual", "neutral", "formal"] = "neutral"
    tone: str = Field(default="", description="Free text, e.g. 'dry, direct'.")
    format: Literal["prose", "bullets", "mixed"] = "mixed"
    jargon: Literal["avoid", "tolerate", "welcome"] = "tolerate"
    language: str = Field(default="en", description="ISO 639-1 code of the preferred language.")


class ForbiddenPhrases(_Strict):
    type: Literal["forbidden_phrases"]
    phrases: list[str] = Field(min_length=1)


class MaxWords(_Strict):
    type: Literal["max_words"]
    limit: int = Field(gt=0)


class NoBulletLists(_Strict):
    type: Literal["no_bullet_lists"]


class NoExclamationMarks(_Strict):
    type: Literal["no_exclamation_marks"]


class NoEmoji(_Strict):
    type: Literal["no_emoji"]


WallRule = Annotated[
    ForbiddenPhrases | MaxWords | NoBulletLists | NoExclamationMarks | NoEmoji,
    Field(discriminator="type"),
]


class Wall(_Strict):
    """Something that must never happen, with an optional machine-checkable rule."""

    text: str = Field(min_length=1, description="The wall as a human sentence.")
    rule: WallRule | None = None


class LifeContext(_Strict):
    work: str = ""
    expertise: list[str] = Field(default_factory=list)
    situation: str = ""
    goals: list[str] = Field(default_factory=list)
    relationships: list[str] = Field(default_factory=list)


class Provenance(_Strict):
    source: str = Field(description="Who or what produced the profile.")
    licence: str
    consent: str | None = None
    contains_pii: bool = False


class Persona(_Strict):
    """One person the suite evaluates for."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["authored", "synthetic", "real"]
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    values: ValueProfile
    communication: Communication = Field(default_factory=Communication)
    walls: list[Wall] = Field(default_factory=list)
    prescriptions: list[str] = Field(default_factory=list)
    context: LifeContext = Field(default_factory=LifeContext)
    facts: list[str] = Field(default_factory=list)
    stated_choices: dict[str, str] = Field(
        default_factory=dict,
        description="Scenario id -> option id the real person chose; overrides computation.",
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
