"""The static HTML report: self-contained, offline, and rendered by a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai.log import EvalLog

from personalign.cli import cli
from personalign.reports import build_leaderboard
from personalign.reports._html import render_html

# The shared scripted logs take about 20 s to build; --runslow, as CI, runs this module.
pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--no-first-run",
    # Without these Chromium keeps calling home, which this closed network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        if os.environ.get("PERSONALIGN_REQUIRE_BROWSER"):
            pytest.fail("PERSONALIGN_REQUIRE_BROWSER is set but no Chromium is on PATH")
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; .ci/run does)")
    return found


@pytest.fixture(scope="module")
def report(logs: tuple[Path, dict[str, EvalLog]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    log_dir, _ = logs
    return render_html(build_leaderboard(log_dir), tmp_path_factory.mktemp("html") / "report.html")


def test_report_is_self_contained_with_table_plots_and_log_links(report: Path) -> None:
    html = report.read_text()
    for section in ('id="leaderboard"', 'id="walls-and-garden"', 'id="lift"', 'id="by-value"', 'id="cost"'):
        assert section in html
    assert html.count("<svg") >= 4  # walls and garden, lift, per value, per domain
    assert not re.search(r"""(src|href)=["']?https?:""", html), "the report must not fetch anything"
    assert "<script" not in html
    links = re.findall(r'href="([^"]+\.eval)"', html)
    assert len(links) == 2 and all((report.parent / link).resolve().is_file() for link in links)


def test_untrusted_text_in_logs_is_escaped(logs: tuple[Path, dict[str, EvalLog]], tmp_path: Path) -> None:
    log_dir, _ = logs
    board = build_leaderboard(log_dir)
    board.cells[0].unscored_reasons = {"<script>alert(1)</script>": 1}
    board.cells[0].unscored = 1
    html = render_html(board, tmp_path / "r.html").read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_cli_writes_the_report(logs: tuple[Path, dict[str, EvalLog]], tmp_path: Path) -> None:
    log_dir, _ = logs
    out = tmp_path / "board.html"
    result = CliRunner().invoke(cli, ["leaderboard", str(log_dir), "--format", "html", "--out", str(out)])
    assert result.exit_code == 0 and out.is_file() and str(out) in result.output


def test_headless_chromium_renders_the_report(report: Path, tmp_path: Path) -> None:
    browser = _chromium()
    flags = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    url = report.resolve().as_uri()
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 4 and "personalign-scripted/oracle" in dom.stdout
    assert dom.stdout.count("<tr>") >= 3  # header row and one row per cell

    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, "--window-size=1400,2400", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (2400, 1400)
    ink = (pixels < 0.9).any(axis=2).mean()
    coloured = (pixels.max(axis=2) - pixels.min(axis=2) > 0.3).mean()
    assert ink > 0.03, f"the page looks blank ({ink:.1%} ink)"
    assert coloured > 0.002, "no coloured plot marks were rendered"
    keep = os.environ.get("PERSONALIGN_SCREENSHOT")
    if keep:  # to look at: PERSONALIGN_SCREENSHOT=report.png pytest -k chromium
        shutil.copy(shot, keep)
