"""Scenario schema and the bundled scenario bank."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from personalign.personas import DataFileError, SchwartzValue, read_data_file, validate_record

SCENARIO_DIR = Path(__file__).parent / "scenarios"
SAFETY_DIR = Path(__file__).parent / "safety"
SAFETY_SOURCES = (SCENARIO_DIR / "hard_floor.yaml", SCENARIO_DIR / "benign_lookalike.yaml", SAFETY_DIR)
"""The safety_floor task's items: the bank's hard-floor and look-alike files plus the larger
sets that only that task runs."""

ScenarioKind = Literal["choice", "open", "hard_floor", "benign_lookalike"]


class Option(BaseModel):
    """One answer to a choice scenario, tagged with the values it serves and sacrifices."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_-]+$", description="Stable id, independent of display order.")
    text: str = Field(min_length=1)
    serves: list[SchwartzValue] = Field(default_factory=list)
    sacrifices: list[SchwartzValue] = Field(default_factory=list)

    @model_validator(mode="after")
    def _tags(self) -> Option:
        if not self.serves and not self.sacrifices:
            raise ValueError("an option must serve or sacrifice at least one value")
        both = set(self.serves) & set(self.sacrifices)
        if both:
            raise ValueError(f"values both served and sacrificed: {sorted(both)}")
        return self


class Scenario(BaseModel):
    """A situation a person brings to the model, written as they would write it."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    domain: str = Field(min_length=1)
    kind: ScenarioKind
    prompt: str = Field(min_length=1, description="First person, as the user would ask.")
    options: list[Option] = Field(default_factory=list)
    rubric: str | None = Field(default=None, description="What a good answer does (open items).")
    conflict: list[SchwartzValue] = Field(
        default_factory=list,
        description="Two values, often held together, that this choice sets against each other.",
    )
    harm_category: str | None = Field(default=None, description="Hard-floor items only.")

    @model_validator(mode="after")
    def _kind_fields(self) -> Scenario:
        if self.kind == "choice":
            if not 2 <= len(self.options) <= 4:
                raise ValueError(f"a choice scenario needs 2 to 4 options, got {len(self.options)}")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError(f"option ids must be unique, got {ids}")
        elif self.options:
            raise ValueError(f"only choice scenarios have options (kind is {self.kind!r})")
        if self.conflict:
            if self.kind != "choice" or len(set(self.conflict)) != 2:
                raise ValueError("conflict: a choice scenario names exactly two different values")
            served = [set(o.serves) for o in self.options]
            if not all(any(v in tags for tags in served) for v in self.conflict):
                raise ValueError(f"conflict: each of {self.conflict} must be served by some option")
        if self.kind == "open" and not self.rubric:
            raise ValueError("an open scenario needs a rubric")
        if self.kind == "hard_floor" and not self.harm_category:
            raise ValueError("a hard_floor scenario needs a harm_category")
        return self


def load_scenarios(source: Path | str | Sequence[Path | str] | None = None) -> list[Scenario]:
    """Load every scenario from YAML files or directories of them (default: the bundled bank).

    Each file holds a list of scenarios; ids must be unique across all files.
    """
    roots = [SCENARIO_DIR] if source is None else [source] if isinstance(source, str | Path) else source
    files: list[Path] = []
    for root in map(Path, roots):
        if not root.exists():
            raise DataFileError(root, ["does not exist (expected a scenario file or directory)"])
        files += sorted(root.glob("*.y*ml")) if root.is_dir() else [root]
    scenarios: list[Scenario] = []
    seen: dict[str, Path] = {}
    for file in files:
        records = read_data_file(file)
        if not isinstance(records, list):
            raise DataFileError(file, ["expected a list of scenarios at the top level"])
        for index, record in enumerate(records):
            scenario = validate_record(record, Scenario, file, where=f"scenario {index}: ")
            if scenario.id in seen:
                raise DataFileError(
                    file,
                    [f"scenario {index}: field 'id': {scenario.id!r} is already used in {seen[scenario.id]}"],
                )
            seen[scenario.id] = file
            scenarios.append(scenario)
    if not scenarios:
        raise DataFileError(Path(roots[0]), ["holds no scenarios"])
    return scenarios


def select_per_kind(
    scenarios: list[Scenario], per_kind: int | None, kinds: str | None = None, first: Collection[str] = ()
) -> list[Scenario]:
    """The first `per_kind` scenarios of each kind (all when None), in bank order, except that
    the scenarios named in `first` come before the rest of their kind (the items real people
    answered themselves, so a quick subset keeps their gold set).

    `kinds` (comma-separated) keeps only those kinds.
    """
    if first and per_kind is not None:
        scenarios = [s for s in scenarios if s.id in first] + [s for s in scenarios if s.id not in first]
    if kinds is not None:
        wanted = set(kinds.split(","))
        unknown = wanted - set(get_args(ScenarioKind))
        if unknown:
            raise ValueError(f"unknown scenario kinds {sorted(unknown)}")
        scenarios = [s for s in scenarios if s.kind in wanted]
    if per_kind is None:
        return scenarios
    if per_kind < 1:
        raise ValueError(f"scenarios_per_kind must be at least 1, got {per_kind}")
    taken: dict[str, int] = {}
    kept = []
    for scenario in scenarios:
        if taken.get(scenario.kind, 0) < per_kind:
            taken[scenario.kind] = taken.get(scenario.kind, 0) + 1
            kept.append(scenario)
    return kept
