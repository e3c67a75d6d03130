import numpy as np
import pytest
from scipy.stats import spearmanr

from personalign.personas import SCHWARTZ_VALUES, infer_values, load_personas
from personalign.personas._values import VALUE_DEFINITIONS
from personalign.scorers import embed


def test_no_text_gives_flat_weights_with_zero_confidence() -> None:
    result = infer_values(["ok", ""], embed)
    assert result.profile.source == "inferred" and result.profile.confidence == 0.0
    assert set(result.profile.weights.values()) == {0.5}


def test_a_clear_text_points_at_its_value() -> None:
    text = [
        "I always put money aside for emergencies.",
        "I lock every door twice and never take risks with my family's safety.",
        "A stable pension matters more to me than an exciting job.",
    ]
    result = infer_values(text, embed)
    assert result.profile.ranked()[0] == "security"
    assert result.profile.source == "inferred" and 0 < result.profile.confidence <= 1


def test_recovers_authored_priorities_better_than_chance() -> None:
    """Inferred weights correlate with the authored ones (chance: rho about 0)."""
    rhos = []
    for persona in load_personas():
        texts = [persona.summary, *persona.values.statements, persona.context.situation, *persona.facts]
        inferred = infer_values(texts, embed).profile.weights
        rhos.append(
            spearmanr(
                [persona.values.weights[v] for v in SCHWARTZ_VALUES], [inferred[v] for v in SCHWARTZ_VALUES]
            ).statistic
        )
    assert np.mean(rhos) > 0.2


def test_uses_the_embedding_it_is_given() -> None:
    # a test double that maps every text to the same direction: no evidence, flat weights
    def same(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4)) / 2.0

    result = infer_values(["I love my family very much indeed."], same)
    assert len(set(result.profile.weights.values())) == 1
    assert result.profile.confidence == pytest.approx(0.0)
    assert len(VALUE_DEFINITIONS) == 10
