from pathlib import Path

import pytest

from personalign.evals._strategy import builtin_strategies, render_context
from personalign.personas import load_personas


@pytest.fixture(scope="module")
def persona():
    return load_personas()[0]


def test_builtins() -> None:
    assert {"none", "custom_instructions", "opspec"} <= set(builtin_strategies())


def test_none_renders_nothing(persona) -> None:
    rendered = render_context(persona, "none")
    assert rendered.text == "" and rendered.tokens == 0


def test_custom_instructions_is_short_and_personal(persona) -> None:
    rendered = render_context(persona, "custom_instructions")
    assert persona.name in rendered.text
    assert persona.prescriptions[0] in rendered.text
    assert persona.walls[0].text not in rendered.text  # walls belong to the opspec
    assert 0 < rendered.tokens < render_context(persona, "opspec").tokens


def test_opspec_has_walls_garden_and_facts(persona) -> None:
    text = render_context(persona, "opspec").text
    assert "WALLS" in text and "GARDEN" in text
    for wall in persona.walls:
        assert wall.text in text
    for fact in persona.facts:
        assert fact in text


def test_persona_text_is_never_rendered_as_a_template(persona) -> None:
    hostile = persona.model_copy(update={"summary": "{{ 7 * 7 }} {% for x in range(3) %}x{% endfor %}"})
    text = render_context(hostile, "opspec").text
    assert "{{ 7 * 7 }}" in text and "49" not in text


def test_user_template_is_sandboxed(persona, tmp_path: Path) -> None:
    template = tmp_path / "mine.j2"
    template.write_text("Hi {{ persona.name }}")
    assert render_context(persona, str(template)).text == f"Hi {persona.name}"
    escape = tmp_path / "escape.j2"
    escape.write_text("{{ persona.__class__.__mro__ }}")
    with pytest.raises(Exception, match=r"unsafe|not safely|access"):
        render_context(persona, str(escape))


def test_unknown_strategy(persona) -> None:
    with pytest.raises(ValueError, match=r"unknown strategy 'shouting'"):
        render_context(persona, "shouting")


def test_prescriptive_only_and_walls_only_split_the_opspec(persona) -> None:
    prescriptive = render_context(persona, "prescriptive_only").text
    walls = render_context(persona, "walls_only").text
    assert all(p in prescriptive for p in persona.prescriptions)
    assert not any(w.text in prescriptive for w in persona.walls)
    assert all(w.text in walls for w in persona.walls)
    assert not any(p in walls for p in persona.prescriptions)
    assert persona.name not in prescriptive + walls  # only the instructions, not who they are
