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
    "nb": "Jeg synes du skal beholde jobben, for det er det tryggeste valget for familien din.",
    "pl": "Myślę, że powinieneś zostać w tej pracy, bo to jest bezpieczny wybór dla twojej rodziny.",
    "ja": "今の仕事を続けたほうがいいと思います。家族にとって安全な選択です。",
    "zh": "我認為你應該留在目前的工作，因為這對你的家庭是更安全的選擇。",
    "ko": "가족을 위해서는 지금 직장을 유지하는 것이 더 안전한 선택이라고 생각합니다.",
    "ru": "Я думаю, вам стоит остаться на этой работе, это более безопасный выбор для семьи.",
    "el": "Νομίζω ότι πρέπει να κρατήσεις τη δουλειά, γιατί είναι η πιο ασφαλής επιλογή.",
    "ar": "أعتقد أنه يجب عليك الاحتفاظ بالوظيفة لأنها الخيار الأكثر أمانا لعائلتك.",
    "he": "אני חושב שכדאי לך להישאר בעבודה, כי זו הבחירה הבטוחה יותר למשפחה שלך.",
    "hi": "मुझे लगता है कि आपको यह नौकरी रखनी चाहिए, क्योंकि यह आपके परिवार के लिए सुरक्षित है।",
    "th": "ฉันคิดว่าคุณควรทำงานนี้ต่อไป เพราะเป็นทางเลือกที่ปลอดภัยกว่าสำหรับครอบครัว",
}


@pytest.mark.parametrize(("code", "text"), SAMPLES.items())
def test_detects_each_supported_language(code: str, text: str) -> None:
    assert detect_language(text)[0] == code


def test_no_words_no_language() -> None:
    assert detect_language("12345 !!!") == (None, 0.0)
    assert set(SAMPLES) == set(supported_languages())
