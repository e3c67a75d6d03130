"""The report's plots, drawn with matplotlib and inlined as SVG (no network, no script)."""

from __future__ import annotations

import io
import math
from typing import Any

from personalign.reports._document import LIFT_MEASURES, Cell, ConversationRow, Estimate

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # headless: no display is needed or wanted
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "figure.dpi": 100})
    return plt


def _svg(figure: object) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog so it inlines in HTML


def _error(est: Estimate) -> tuple[float, float]:
    if est.mean is None or est.low is None or est.high is None:
        return 0.0, 0.0
    return est.mean - est.low, est.high - est.mean


def walls_and_garden(cells: list[Cell]) -> str:
    """Coherence (identifiability) against variance (dispersion), one point per cell ("" when
    no cell has both)."""
    cells = [
        c for c in cells if None not in (c.measures["dispersion"].mean, c.measures["identifiability"].mean)
    ]
    if not cells:
        return ""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.5, 4.2))
    models = sorted({c.model for c in cells})
    strategies = sorted({c.strategy for c in cells})
    markers = "osD^vP*X"
    for cell in cells:
        x, y = cell.measures["dispersion"], cell.measures["identifiability"]
        assert x.mean is not None and y.mean is not None  # filtered above; narrows the type
        xerr, yerr = _error(x), _error(y)
        axes.errorbar(
            x.mean,
            y.mean,
            xerr=[[xerr[0]], [xerr[1]]],
            yerr=[[yerr[0]], [yerr[1]]],
            fmt=markers[strategies.index(cell.strategy) % len(markers)],
            color=COLOURS[models.index(cell.model) % len(COLOURS)],
            capsize=3,
            label=f"{cell.model} / {cell.strategy}",
        )
    chances = [c.identifiability_chance for c in cells if c.identifiability_chance is not None]
    if chances:
        axes.axhline(sum(chances) / len(chances), color="grey", linestyle="--", linewidth=1)
        axes.annotate("chance", (0.01, sum(chances) / len(chances)), xycoords=("axes fraction", "data"))
    axes.set_xlabel("variance: dispersion (mean pairwise distance between epochs)")
    axes.set_ylabel("coherence: identifiability (top-1)")
    axes.set_title("Walls and garden (95% intervals over personas)")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=7, loc="best")
    return _svg(figure)


def lift_bars(cells: list[Cell]) -> str:
    """Each strategy's change against `none`, per measure, with its paired interval."""
    rows = [c for c in cells if c.lift]
    measures = [m for m in LIFT_MEASURES if any(c.lift[m].mean is not None for c in rows)]
    if not measures:
        return ""
    plt = _pyplot()
    size = (2.4 * len(measures), 1.0 + 0.45 * len(rows))
    figure, panels = plt.subplots(1, len(measures), figsize=size, squeeze=False)
    labels = [f"{c.model} / {c.strategy}" for c in rows]
    for axes, measure in zip(panels[0], measures, strict=True):
        means = [c.lift[measure].mean if c.lift[measure].mean is not None else math.nan for c in rows]
        errors: list[Any] = list(zip(*(_error(c.lift[measure]) for c in rows), strict=True)) or [[], []]
        colours = ["#1f77b4" if (m or 0) >= 0 else "#ff7f0e" for m in means]  # direction, not verdict
        axes.barh(range(len(rows)), means, xerr=errors, color=colours, capsize=3)
        axes.axvline(0, color="black", linewidth=0.8)
        axes.set_title(measure.replace("_", " "))
        axes.set_yticks(range(len(rows)), labels if axes is panels[0][0] else [""] * len(rows))
        axes.invert_yaxis()
    return _svg(figure)


def fidelity_heatmap(cells: list[Cell], by: str) -> str:
    """Value fidelity per cell (rows) and persona top value or scenario domain (columns)."""
    plt = _pyplot()
    groups = sorted({g for c in cells for g in getattr(c, by)})
    if not groups:
        return ""
    matrix = [
        [
            getattr(c, by)[g].mean if g in getattr(c, by) and getattr(c, by)[g].mean is not None else math.nan
            for g in groups
        ]
        for c in cells
    ]
    figure, axes = plt.subplots(figsize=(1.0 + 0.62 * len(groups), 0.9 + 0.4 * len(cells)))
    image = axes.imshow(matrix, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if not math.isnan(value):
                axes.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
    axes.set_xticks(range(len(groups)), [g.replace("_", " ") for g in groups], rotation=40, ha="right")
    axes.set_yticks(range(len(cells)), [f"{c.model} / {c.strategy}" for c in cells])
    figure.colorbar(image, ax=axes, fraction=0.03)
    title = "persona's top value" if by == "by_value" else "scenario domain"
    axes.set_title(f"Value fidelity by {title} (blank: no scored sample)")
    return _svg(figure)


def conversation_by_turns(rows: list[ConversationRow]) -> str:
    """Value fidelity and the turn-1 preference kept against prior turns K, one line per
    model x strategy, with 95% intervals ("" when no row has two values of K)."""
    rows = [r for r in rows if len(r.turns) >= 2]
    if not rows:
        return ""
    plt = _pyplot()
    figure, panels = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for panel, prefix, title in (
        (panels[0], "fidelity_turns_", "value fidelity"),
        (panels[1], "preference_kept_turns_", "preference stated in turn 1, kept"),
    ):
        for i, row in enumerate(rows):
            points = [
                (k, e) for k in row.turns if (e := row.measures.get(f"{prefix}{k}")) and e.mean is not None
            ]
            if not points:
                continue
            errors = [_error(e) for _, e in points]
            panel.errorbar(
                [k for k, _ in points],
                [e.mean for _, e in points],
                yerr=[[lo for lo, _ in errors], [hi for _, hi in errors]],
                marker="o",
                capsize=3,
                color=COLOURS[i % len(COLOURS)],
                label=f"{row.model} / {row.strategy}",
            )
        panel.set_xlabel("prior turns K")
        panel.set_title(title)
        panel.set_ylim(-0.05, 1.05)
    panels[0].set_ylabel("share (95% intervals over personas)")
    if panels[0].get_legend_handles_labels()[0]:
        panels[0].legend(fontsize=7, loc="best")
    return _svg(figure)
