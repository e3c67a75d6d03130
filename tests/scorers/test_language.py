import pytest

from personalign.scorers._language import detect_language, supported_languages

SAMPLES = {
    "en": "I think you should keep the job, because it is the safer choice for your family.",
    "es": "Creo que deberías quedarte con el trabajo, porque es la opción más segura para tu familia.",
    "fr": "Je pense que vous devez garder le travail, parce que c'est le choix le plus sûr pour la famille.",
    "de": "Ich denke, du solltest die Stelle behalten, weil es für deine Familie die sichere Wahl ist.",
    "pt": "Eu acho que você deve ficar com o emprego, porque é a opção mais segura para a sua família.",
    "it": "Penso che tu debba tenere il lavoro, perché è la scelta più sicura per la tua famiglia.",
    "nl": "Ik denk dat je de baan moet houden, want het is de veiligste keuze voor je gezin.",
    "sv": "Jag tycker att du ska behålla jobbet, för det är det säkraste valet för din familj.",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_detects_each_supported_language(code: str, text: str) -> None:
    assert detect_language(text)[0] == code


def test_no_words_no_language() -> None:
    assert detect_language("12345 !!!") == (None, 0.0)
    assert set(SAMPLES) == set(supported_languages())
