"""Context strategies: jinja2 templates that render a persona into text for the model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from personalign.evals._memory import (
    DEFAULT_MEMORY_K,
    MEMORY_STRATEGIES,
    Memory,
    memory_pool,
    retrieve_memories,
)
from personalign.personas import DataFileError, Persona, UserError, read_text
from personalign.scorers import count_tokens

TEMPLATE_DIR = Path(__file__).parent / "strategies"

Position = Literal["system", "user_prefix"]
POSITIONS: tuple[Position, ...] = ("system", "user_prefix")


def builtin_strategies() -> list[str]:
    """Names of the bundled strategies (`none` plus one per template file)."""
    return ["none", PRODUCT, *sorted(p.stem for p in TEMPLATE_DIR.glob("*.j2"))]


class UnknownStrategyError(UserError, ValueError):
    """A strategy that is neither built in nor a template file."""


@dataclass(frozen=True)
class RenderedContext:
    strategy: str
    text: str
    tokens: int
    """Size in tokens of the reference tokenizer (see `count_tokens`)."""
    memories: tuple[Memory, ...] = ()
    """What a memory strategy gave the model (with retrieval scores for `memory_facts`)."""


@cache
def _environment() -> SandboxedEnvironment:
    # Sandboxed, so a user-supplied template cannot reach Python internals; persona text is
    # only ever passed as variables, never compiled as a template itself.
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


def _template_source(strategy: str) -> str:
    path = Path(strategy) if strategy.endswith(".j2") else TEMPLATE_DIR / f"{strategy}.j2"
    if not path.is_file():
        raise UnknownStrategyError(
            f"unknown strategy {strategy!r}: expected one of {', '.join(builtin_strategies())}, "
            "or the path of a .j2 template file"
        )
    return _read_template(path, path.stat().st_mtime_ns)


@cache
def _read_template(path: Path, modified: int) -> str:
    # Keyed by modification time too: a template edited between two runs in one process
    # is read again (and hashed again, so the runs are not mistaken for the same strategy).
    return read_text(path, "a jinja2 template (.j2)")


def strategy_hash(strategy: str) -> str:
    """Short hash of a strategy's template ("none" has none), so two runs of one strategy
    name are known to have rendered the same context."""
    if strategy in NO_CONTEXT:
        return strategy
    return hashlib.sha256(_template_source(strategy).encode()).hexdigest()[:12]


def style_sentence(persona: Persona) -> str:
    """The persona's communication preferences as one instruction."""
    c = persona.communication
    parts = [f"{c.verbosity} answers", f"{c.formality} register"]
    if c.tone:
        parts.append(f"tone: {c.tone}")
    parts.append(
        {"prose": "write in prose", "bullets": "use bullet points", "mixed": "prose or lists as fits"}[
            c.format
        ]
    )
    parts.append(
        {"avoid": "no jargon", "tolerate": "some jargon is fine", "welcome": "technical jargon welcome"}[
            c.jargon
        ]
    )
    if c.language != "en":
        parts.append(f"reply in language '{c.language}'")
    return "Prefer " + "; ".join(parts) + "."


VALUE_LABELS = {
    "self_direction": "choosing my own path (self-direction)",
    "stimulation": "excitement and novelty (stimulation)",
    "hedonism": "enjoying life (hedonism)",
    "achievement": "personal success (achievement)",
    "power": "status, money and control (power)",
    "security": "safety and stability (security)",
    "conformity": "fitting in and following the rules (conformity)",
    "tradition": "customs and faith (tradition)",
    "benevolence": "caring for the people close to me (benevolence)",
    "universalism": "fairness to all and care for nature (universalism)",
}


def importance(weight: float) -> str:
    """A 0-1 value weight in words."""
    for floor, word in ((0.8, "supremely important"), (0.6, "very important"), (0.4, "important"),
                        (0.2, "a little important")):  # fmt: skip
        if weight >= floor:
            return word
    return "not important"


# The suite sends no context: a personalization product under test looks its user up by id.
PRODUCT = "product"
NO_CONTEXT = ("none", PRODUCT)


def render_context(
    persona: Persona, strategy: str, query: str | None = None, memory_k: int = DEFAULT_MEMORY_K
) -> RenderedContext:
    """Render `persona` with a strategy (a built-in name or a .j2 path); `none` and `product`
    render nothing. `memory_facts` renders the `memory_k` facts most relevant to `query` (the
    request); `memory_all` every fact. Every template gets them as `memories` (other
    templates: the whole pool, see `memory_pool`)."""
    if strategy in NO_CONTEXT:
        return RenderedContext(strategy, "", 0)
    memories = retrieve_memories(persona, strategy, query, memory_k) if strategy in MEMORY_STRATEGIES else []
    try:
        template = _environment().from_string(_template_source(strategy))
        text = template.render(
            persona=persona,
            top_values=[v.replace("_", "-") for v in persona.values.ranked()[:3]],
            value_levels=[
                (VALUE_LABELS[v], importance(persona.values.weights[v])) for v in persona.values.ranked()
            ],
            style=style_sentence(persona),
            memories=[m.text for m in memories] if memories else memory_pool(persona),
        ).strip()
    except TemplateSyntaxError as err:
        raise DataFileError(
            strategy, [f"line {err.lineno}: not a valid jinja2 template ({err.message})"]
        ) from None
    except (UndefinedError, SecurityError) as err:
        # StrictUndefined: a name the template uses that the suite does not pass.
        raise DataFileError(strategy, [f"the template cannot be rendered ({err})"]) from None
    return RenderedContext(strategy, text, count_tokens(text), tuple(memories))
