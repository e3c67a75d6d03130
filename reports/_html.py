"""The static HTML report: one self-contained file that opens from file:// with no network."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from personalign.reports import _plots
from personalign.reports._document import Leaderboard
from personalign.reports._leaderboard import LABELS, conversation_tables, estimate_text, number
from personalign.reports._logread import is_url

TABLE_MEASURES = (
    "value_fidelity",
    "identifiability",
    "wall_adherence",
    "dispersion",
    "hard_floor_refusal",
    "over_refusal",
    "open_grade",
    "persona_fit",
)


def markdown_blocks(text: str) -> list[tuple[str, list[list[str]] | str]]:
    """Markdown as the report's own sections write it: pipe tables ("table", rows, header
    first, the separator row dropped) and lines of prose ("text", line)."""
    blocks: list[tuple[str, list[list[str]] | str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= {"-", ":"} for c in cells):
                continue
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells)  # type: ignore[union-attr]
            else:
                blocks.append(("table", [cells]))
        elif line.strip():
            blocks.append(("text", line))
    return blocks


def log_link(log: str, out: str | Path) -> str:
    """The link from the report at `out` to `log`: relative where both are on one file system
    (a local folder, or one bucket), so the folder can move whole; else the log's own address."""
    if not is_url(log) and not is_url(out):
        return Path(os.path.relpath(Path(log).resolve(), Path(out).parent.resolve())).as_posix()
    if is_url(log) and is_url(out):
        here, there = urlsplit(str(out)), urlsplit(log)
        if (here.scheme, here.netloc) == (there.scheme, there.netloc):
            return posixpath.relpath(there.path, posixpath.dirname(here.path) or "/")
    return log if is_url(log) else Path(log).resolve().as_uri()


def render_html(board: Leaderboard, out: str | Path) -> Path | str:
    """Write the report to `out`, a local file (returned as a Path) or an fsspec URL such as
    `s3://bucket/prefix/report.html` (returned as given); log links are relative to it, so the
    folder can move whole."""
    if not is_url(out):
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
    # Autoescaped: model names, ids and reasons come from logs and are shown as text.
    environment = Environment(
        loader=PackageLoader("personalign.reports"), autoescape=select_autoescape(["j2", "html"])
    )
    cells = board.cells
    plots = {
        "walls_and_garden": _plots.walls_and_garden(cells),
        "lift": _plots.lift_bars(cells),
        "by_value": _plots.fidelity_heatmap(cells, "by_value") if cells else "",
        "by_domain": _plots.fidelity_heatmap(cells, "by_domain") if cells else "",
        "conversation": _plots.conversation_by_turns(board.conversation),
    }
    links = {c.log: log_link(c.log, out) for c in cells}
    html = environment.get_template("report.html.j2").render(
        board=board,
        measures=TABLE_MEASURES,
        labels=LABELS,
        plots=plots,
        conversation=conversation_tables(board.conversation) if board.conversation else "",
        links=links,
        estimate=estimate_text,
        blocks=markdown_blocks,
        number=number,
    )
    if isinstance(out, Path):
        out.write_text(html, encoding="utf-8")
        return out
    from inspect_ai._util.file import file

    with file(str(out), "w") as stream:
        stream.write(html)
    return out
