"""The leaderboard rendered from its document: a flat frame (CSV), Markdown and JSON."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from personalign.reports._document import (
    CONTROL_LABEL,
    LIFT_MEASURES,
    Cell,
    ConversationRow,
    Estimate,
    Leaderboard,
    build_leaderboard,
    skipped_section,
)
from personalign.reports._personal import personal_table
from personalign.reports._safety import red_lines
from personalign.scorers import VARIANCE_KEYS

LABELS = {
    "value_fidelity": "value fidelity",
    "identifiability": "identifiability",
    "specificity": "specificity",
    "wall_adherence": "wall adherence",
    "dispersion": "dispersion",
    "hard_floor_refusal": "hard-floor refusal",
    "over_refusal": "over-refusal",
    "open_grade": "open grade",
    "persona_fit": "fit grade",
}


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | str | None, digits: int = 3) -> str:
    if _is_missing(value):
        return "n/a"
    return value if isinstance(value, str) else f"{value:.{digits}f}"


def estimate_text(estimate: Estimate | None, digits: int = 2) -> str:
    """ "0.62 [0.51, 0.70]", or the mean alone when there is no interval."""
    if estimate is None or estimate.mean is None:
        return "n/a"
    if estimate.low is None or estimate.high is None:
        return f"{estimate.mean:.{digits}f}"
    return f"{estimate.mean:.{digits}f} [{estimate.low:.{digits}f}, {estimate.high:.{digits}f}]"


def _lift_ratio(cell: Cell) -> float:
    top1, chance = cell.measures["identifiability"].mean, cell.identifiability_chance
    return top1 / chance if top1 is not None and chance else math.nan


def cell_record(cell: Cell, mixed: bool) -> dict[str, object]:
    """One flat row: every measure with its interval and n, lifts, counts and cost."""
    record: dict[str, object] = {
        "model": cell.model,
        "strategy": cell.strategy,
        "status": cell.status,
        "fingerprint": cell.fingerprint,
        "mixed": mixed,
    }
    for name, est in cell.measures.items():
        record |= {name: est.mean, f"{name}_low": est.low, f"{name}_high": est.high, f"{name}_n": est.n}
    for name in LIFT_MEASURES:
        lift = cell.lift.get(name)
        record |= {
            f"lift_{name}": lift.mean if lift else None,
            f"lift_{name}_low": lift.low if lift else None,
            f"lift_{name}_high": lift.high if lift else None,
        }
    record |= {
        "identifiability_chance": cell.identifiability_chance,
        "identifiability_lift": _lift_ratio(cell),
        "persona_snr": cell.persona_snr,
        **{f"n_{scorer}": n for scorer, n in cell.n_scored.items()},
        "unscored": cell.unscored,
        "unscored_reasons": ", ".join(f"{r}: {n}" for r, n in cell.unscored_reasons.items()),
        "ambiguous": cell.ambiguous,
        "context_tokens": cell.context_tokens,
        "input_tokens": cell.input_tokens,
        "output_tokens": cell.output_tokens,
        "cost_usd": cell.cost_usd,
        "log": cell.log,
    }
    return record


def board_frame(board: Leaderboard) -> pd.DataFrame:
    frame = pd.DataFrame([cell_record(c, not board.comparable) for c in board.cells])
    for column in frame.columns:
        if column not in ("model", "strategy", "status", "fingerprint", "unscored_reasons", "log", "mixed"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def leaderboard_frame(log_dir: str | Path, allow_mixed: bool = False) -> pd.DataFrame:
    """One row per model x strategy (the latest log of each), with every measure, its 95%
    persona-clustered interval and n, the lift over `none`, and counts."""
    return board_frame(build_leaderboard(log_dir, allow_mixed=allow_mixed))


def leaderboard_table(log_dir: str | Path, allow_mixed: bool = False) -> str:
    """The whole leaderboard as Markdown (fit for a pull-request comment)."""
    return markdown(build_leaderboard(log_dir, allow_mixed=allow_mixed))


def mixed_warning(board: Leaderboard) -> list[str]:
    if board.comparable:
        return []
    lines = ["**MIXED RUNS** (shown with --allow-mixed; cells are not strictly comparable):"]
    for field, values in board.mixed.items():
        parts = "; ".join(f"`{v}` in {', '.join(cells)}" for v, cells in values.items())
        lines.append(f"- {field} differs: {parts}")
    return [*lines, ""]


def markdown(board: Leaderboard) -> str:
    sections = ["\n".join(mixed_warning(board))] if not board.comparable else []
    if board.cells:
        sections += [
            _main_table(board),
            _lift_table(board),
            _explained_table(board),
            _walls_and_garden_table(board),
        ]
    if board.personal is not None:
        sections.append(personal_table(board.personal))
    if board.counterfactual:
        sections.append(_counterfactual_table(board))
    if board.versions:
        sections.append(_versions_table(board))
    if board.conversation:
        sections.append(conversation_tables(board.conversation))
    sections += list(board.sections.values())
    if board.red_lines or "safety_floor" in board.sections:
        sections.append("\n".join(red_lines(board.red_lines)))
    if board.skipped_logs:
        sections.append(skipped_section(board.skipped_logs))
    return "\n\n".join(s for s in sections if s)


def _main_table(board: Leaderboard) -> str:
    header = [
        "model",
        "strategy",
        "value fidelity",
        "identifiability (chance)",
        "wall adherence",
        "dispersion",
        "hard-floor refusal",
        "over-refusal",
        "open grade",
        "fit grade",
        "context tokens",
        "cost (USD)",
        "unscored",
    ]
    lines = [
        f"Leaderboard: mean [{board.interval}]; n = scored samples (epochs reduced)",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    notes = []
    for cell in board.cells:
        model = cell.model if cell.status == "success" else f"{cell.model} ({cell.status})"
        m = cell.measures
        cells = [
            model,
            cell.strategy,
            f"{estimate_text(m['value_fidelity'])} (n={m['value_fidelity'].n})",
            f"{estimate_text(m['identifiability'])} ({number(cell.identifiability_chance, 2)})",
            estimate_text(m["wall_adherence"]),
            estimate_text(m["dispersion"]),
            estimate_text(m["hard_floor_refusal"]),
            estimate_text(m["over_refusal"]),
            estimate_text(m["open_grade"]),
            estimate_text(m["persona_fit"]),
            number(cell.context_tokens, 0),
            "n/a" if cell.cost_usd is None else f"{cell.cost_usd:.4f}",
            str(cell.unscored),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if cell.unscored:
            reasons = ", ".join(f"{r}: {n}" for r, n in cell.unscored_reasons.items())
            notes.append(f"- {cell.model} / {cell.strategy}: unscored {reasons}")
        if cell.ambiguous:
            notes.append(f"- {cell.model} / {cell.strategy}: {cell.ambiguous} ambiguous choice pairs")
    return "\n".join(lines + (["", *notes] if notes else []))


def _lift_table(board: Leaderboard) -> str:
    rows = [c for c in board.cells if c.lift]
    if not rows:
        return ""
    header = ["model", "strategy", *(LABELS.get(m, m.replace("_", " ")) for m in LIFT_MEASURES)]
    lines = [
        f"Lift over `none` (same model; paired by sample, 95% bootstrap over {board.cluster}s; "
        "an interval that excludes 0 is a change)",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for cell in rows:
        values = [
            f"{estimate_text(cell.lift[m])} (n={cell.lift[m].n})" if cell.lift[m].n else "n/a"
            for m in LIFT_MEASURES
        ]
        lines.append("| " + " | ".join([cell.model, cell.strategy, *values]) + " |")
    return "\n".join(lines)


def _explained_table(board: Leaderboard) -> str:
    """Persona-explained fidelity: what each cell scores beyond its shuffled control."""
    rows = [c for c in board.cells if c.explained_fidelity is not None]
    if not rows:
        return ""
    controls = {(c.model, c.strategy): c for c in board.cells}
    lines = [
        "Persona-explained fidelity: value fidelity minus the shuffled control's (each persona "
        "shown another's profile, scored against its own), paired by sample, 95% bootstrap over "
        "personas; what the profile itself explains",
        "",
        "| model | strategy | value fidelity | shuffled control | persona-explained |",
        "|---|---|---|---|---|",
    ]
    for cell in rows:
        control = controls.get((cell.model, CONTROL_LABEL.format(strategy=cell.strategy, control="shuffled")))
        explained = cell.explained_fidelity
        assert explained is not None  # filtered above; narrows the type
        lines.append(
            f"| {cell.model} | {cell.strategy} | {estimate_text(cell.measures['value_fidelity'])} | "
            f"{estimate_text(control.measures['value_fidelity']) if control else 'n/a'} | "
            f"{estimate_text(explained)} (n={explained.n}) |"
        )
    return "\n".join(lines)


def _direction(delta: float | None, flat: float) -> str:
    if _is_missing(delta):
        return "?"
    assert delta is not None
    return "up" if delta > flat else "down" if delta < -flat else "flat"


def _walls_and_garden_table(board: Leaderboard) -> str:
    """Coherence against variance per model x strategy, and which way each moved from `none`."""
    lines = [
        "Walls and garden: coherence (is it this person's answer?) against variance (how widely "
        "does it range?); the last column compares each strategy with `none` for the same model, "
        "by direction only (read the lift intervals before concluding)",
        "",
        "| model | strategy | identifiability (chance) | specificity | persona SNR | wall adherence | "
        "dispersion | distinct-1 | distinct-2 | length CV | choice entropy | choice consistency | "
        "first-10 token entropy | against none |",
        "|" + "---|" * 14,
    ]
    for cell in board.cells:
        m = cell.measures
        reading = ""
        if cell.lift:
            coherence = _direction(cell.lift["identifiability"].mean, 0.02)
            variance = _direction(cell.lift["dispersion"].mean, 0.01)
            reading = f"coherence {coherence}, variance {variance}"
        cells = [
            cell.model,
            cell.strategy,
            f"{estimate_text(m['identifiability'])} ({number(cell.identifiability_chance, 2)})",
            estimate_text(m["specificity"]),
            number(cell.persona_snr, 2),
            estimate_text(m["wall_adherence"]),
            # every variance measure but the whole-reply token entropy (first-10 stands for it)
            *(estimate_text(m[k]) for k in VARIANCE_KEYS if k != "token_entropy"),
            reading,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _versions_table(board: Leaderboard) -> str:
    lines = [
        "Persona versions (followed: the choice changed where the person's expected option changed; "
        "held: it stayed where it did not)",
        "",
        "| model | strategy | followed the change | held where unchanged | value fidelity |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {row.model} | {row.strategy} | {number(row.flip_rate)} | {number(row.stay_rate)} | "
        f"{number(row.value_fidelity)} |"
        for row in board.versions
    ]
    return "\n".join(lines)


def _counterfactual_table(board: Leaderboard) -> str:
    lines = [
        "Counterfactual pairs (flip: the choice follows one changed value; "
        "stay: it ignores name, age and country)",
        "",
        "| model | strategy | flip rate | stay rate | value fidelity |",
        "|---|---|---|---|---|",
    ]
    for row in board.counterfactual:
        lines.append(
            f"| {row.model} | {row.strategy} | {number(row.flip_rate)} | {number(row.stay_rate)} | "
            f"{number(row.value_fidelity)} |"
        )
    return "\n".join(lines)


def _turn_cells(
    row: ConversationRow, prefix: str, turns: list[int], baseline: int | None = None
) -> list[str]:
    return [
        "baseline" if k == baseline else estimate_text(row.measures.get(f"{prefix}{k}"), 2) for k in turns
    ]


def conversation_tables(rows: list[ConversationRow]) -> str:
    """conversation_stability: the measures against prior turns K, then the hold under pushback."""
    turns = sorted({k for row in rows for k in row.turns})
    header = ["model", "strategy", "measure", *(f"K={k}" for k in turns), "slope per 10 turns"]
    lines = [
        "Conversation: value fidelity, the turn-1 preference kept, and rank-order stability of "
        "values (Spearman over personas against the fewest turns) by prior turns K; "
        "95% bootstrap over personas",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        m = row.measures
        first = min(row.turns) if row.turns else None
        for label, cells, slope in (
            ("value fidelity", _turn_cells(row, "fidelity_turns_", turns), m.get("fidelity_slope")),
            ("preference kept", _turn_cells(row, "preference_kept_turns_", turns), m.get("preference_slope")),
            ("rank stability", _turn_cells(row, "rank_stability_turns-", turns, first), None),
        ):
            lines.append(
                "| " + " | ".join([row.model, row.strategy, label, *cells, estimate_text(slope, 2)]) + " |"
            )
    header = [
        "model",
        "strategy",
        "choice stability",
        "over turns",
        "under pushback",
        "with a preference",
        "pushback: left the person's option",
        "pushback: came round to it",
        *(f"rank stability ({kind})" for kind in ("doubt", "social", "values")),
        "replies",
        "unscored",
    ]
    lines += [
        "",
        "Conversation: does the choice hold? (stability: same option as at the fewest turns; "
        "pushback pushes the option the model did not choose: away from the person's when it "
        "chose theirs, toward it when not)",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        m = row.measures
        cells = [
            estimate_text(m.get(name), 2)
            for name in (
                "choice_stability",
                "choice_stability_turns",
                "choice_stability_pushback",
                "choice_stability_preference",
                "pushback_flip_away",
                "pushback_correction",
                "rank_stability_pushback-doubt",
                "rank_stability_pushback-social",
                "rank_stability_pushback-values",
            )
        ]
        unscored = ", ".join(f"{r}: {n}" for r, n in row.unscored.items()) or "0"
        lines.append("| " + " | ".join([row.model, row.strategy, *cells, str(row.replies), unscored]) + " |")
    return "\n".join(lines)
