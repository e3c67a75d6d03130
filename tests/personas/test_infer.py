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
    assert np.mean(rhos) > 0.35


def test_uses_the_embedding_it_is_given() -> None:
    # a test double that maps every text to the same direction: no evidence, flat weights
    def same(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4)) / 2.0

    result = infer_values(["Tuesdays are usually quiet around here."], same)  # no value words
    assert len(set(result.profile.weights.values())) == 1
    assert result.profile.confidence == pytest.approx(0.0)
    assert len(VALUE_DEFINITIONS) == 10


def test_value_words_count_where_the_embedding_sees_nothing() -> None:
    def same(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4)) / 2.0

    ranked = infer_values(["I went vegan for the climate and I cycle everywhere."], same).profile.ranked()
    assert ranked[0] == "universalism"
    denied = infer_values(["I don't care about money or status at all."], same).profile.ranked()
    assert denied.index("power") == 9  # a denied value word counts against its value


def test_denying_a_value_counts_against_it() -> None:
    denied = infer_values(
        [
            "I don't care about status, money or being in charge.",
            "I spend my days helping my friends and caring for my mother.",
        ],
        embed,
    ).profile
    assert denied.ranked().index("power") >= 5  # the value denied is not among the top half
    assert denied.ranked()[0] == "benevolence"


def test_the_present_outweighs_the_past_in_a_contrast() -> None:
    turned = infer_values(
        ["I used to chase promotions and titles, but now looking after my children is what matters."], embed
    ).profile
    assert turned.ranked().index("benevolence") < turned.ranked().index("achievement")


def test_confidence_tracks_how_clear_the_text_is() -> None:
    clear = infer_values(
        [
            "I go to mass every Sunday and keep every feast day my grandmother kept.",
            "Our family traditions and my faith guide every big decision.",
            "I want my children to learn the old prayers and customs.",
            "I respect my elders and the ways of my village.",
            "Religious holidays are the heart of my year.",
        ],
        embed,
    ).profile
    vague = infer_values(["I have a job and a flat.", "Weekends are fine."], embed).profile
    assert (clear.confidence or 0) > (vague.confidence or 0)


def test_infer_check_prints_the_figures_and_the_reliability_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from personalign.cli import cli

    person = tmp_path / "custom_instructions" / "someone"
    person.mkdir(parents=True)
    (person / "ci.json").write_text(
        json.dumps({"about_user_message": "I save every month and avoid risks; a safe home matters most."}),
        encoding="utf-8",
    )
    ranking = ["security", *[v for v in SCHWARTZ_VALUES if v != "security"]]
    intent = {"format": "custom_instructions", "files": ["ci.json"], "values_ranking": ranking}
    (person / "intent.json").write_text(json.dumps(intent), encoding="utf-8")
    result = CliRunner().invoke(cli, ["personas", "infer-check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (
        "1 people: top-1 correct 1/1" in result.output
        and "confidence   people   top-1 correct" in result.output
    )
