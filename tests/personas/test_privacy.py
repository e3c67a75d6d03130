from click.testing import CliRunner

from personalign.cli import cli
from personalign.personas import Provenance, for_display, load_personas, redact


def _real_person():
    persona = load_personas()[0]
    return persona.model_copy(
        update={
            "kind": "real",
            "facts": [
                "Reach Amara at amara.o@example.com or +234 803 555 0199.",
                "Her handle is @amara_lagos.",
            ],
            "provenance": Provenance(source="survey", licence="CC-BY-NC-4.0", contains_pii=True),
        }
    )


def test_redact_shows_id_and_hides_contact_details() -> None:
    shown = redact(_real_person())
    text = shown.model_dump_json()
    assert shown.name == shown.id
    for secret in ("Amara", "Okafor", "example.com", "803 555", "@amara_lagos"):
        assert secret not in text
    assert "[email]" in text and "[phone]" in text and "[handle]" in text


def test_for_display_redacts_only_personal_data_unless_asked() -> None:
    authored = load_personas()[0]
    assert for_display(authored) == authored
    real = _real_person()
    assert for_display(real).name == real.id
    assert for_display(real, reveal=True).name == real.name


def test_render_command_shows_a_strategy_and_its_size() -> None:
    result = CliRunner().invoke(cli, ["personas", "render", "jonas-weber", "--strategy", "opspec"])
    assert result.exit_code == 0, result.output
    assert "WALLS" in result.output and "Never use exclamation marks." in result.output
    assert "opspec:" in result.output and "tokens]" in result.output


def test_schema_command_exports_json_schema(tmp_path) -> None:
    out = tmp_path / "persona.schema.json"
    result = CliRunner().invoke(cli, ["personas", "schema", "--out", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert '"schema_version"' in text and '"required_language"' in text
