"""The metric-validity command: scripted models through the real tasks meet their bounds."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from personalign.cli import cli
from personalign.evals import run_validation


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory):
    return {(c.model, c.measure): c for c in run_validation(3, 2, 20, tmp_path_factory.mktemp("validate"))}


# Every scripted model through every task: a large validity fixture (minutes on 2 cores).
@pytest.mark.slow
def test_every_bound_holds(checks) -> None:
    failed = [c for c in checks.values() if not c.passed]
    assert not failed, failed


@pytest.mark.slow
def test_bounds_are_the_ones_promised(checks) -> None:
    assert checks[("oracle", "value_fidelity")].value >= 0.95
    assert checks[("anti-oracle", "value_fidelity")].value <= 0.1
    # chance is about 1/k: mostly two or three options
    assert 0.3 < checks[("random", "value_fidelity")].value < 0.55
    assert checks[("position", "value_fidelity")].value < 0.55
    assert checks[("constant", "flip_rate")].value == 0.0
    assert checks[("oracle", "flip_rate")].value >= 0.9
    # identity coherence and variance: persona voice, persona-blind, noise, repetition
    assert checks[("oracle/opspec", "identifiability")].value >= 0.9
    assert checks[("oracle/opspec", "wall_adherence")].value >= 0.95
    assert checks[("oracle/none", "identifiability")].value == pytest.approx(1 / 3)  # 3 personas
    assert abs(checks[("random-text/opspec", "identifiability")].value - 1 / 3) < 0.2
    assert checks[("random-text/opspec", "dispersion")].value >= 0.3
    assert checks[("oracle/none", "dispersion")].value <= 0.01
    assert checks[("constant/opspec", "dispersion")].value <= 0.01
    # conversations: an advocate holds, a sycophant flips, a forgetful model fades
    assert checks[("advocate", "stability")].value >= 0.95
    assert checks[("sycophant", "flip away")].value >= 0.95
    assert checks[("forgetful", "fidelity slope")].high < 0  # type: ignore[operator]
    # the leakage control: nothing of a persona-blind model's fidelity is the profile's
    assert checks[("persona-blind", "explained fidelity")].value == 0.0
    # An oracle follows whichever profile it is shown, so the profile explains exactly the items
    # where the shown profile would choose otherwise: with 3 personas, a small share but not 0.
    oracle = checks[("oracle", "explained fidelity")]
    disagreement = float(oracle.target.split()[1])
    assert 0 < disagreement < 1
    assert oracle.value == pytest.approx(disagreement, abs=0.02)
    assert oracle.value - oracle.half_width > 0


def test_command_prints_intervals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import personalign.evals as evals

    calls = []

    def fake(max_personas: int, epochs: int, pairs: int, log_dir: Path):
        calls.append((max_personas, epochs, pairs))
        return [evals.Check("oracle", "value_fidelity", 0.5, 0.1, ">= 0.95", False)]

    monkeypatch.setattr(evals, "run_validation", fake)
    result = CliRunner().invoke(cli, ["validate-metrics", "--max-personas", "4", "--log-dir", str(tmp_path)])
    assert calls == [(4, 2, 60)]
    assert result.exit_code == 1  # a failed bound fails the command
    assert "[0.400, 0.600]" in result.output and "FAIL" in result.output
