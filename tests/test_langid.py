"""ingest.langid must answer exactly as langdetect's own detector does, probabilities included."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from ingest.langid import Detector, NoFeatures, load_profiles

TEXTS = [
    "The council approved the new budget on Tuesday after a long debate about school funding.",
    "Der Stadtrat hat am Dienstag den neuen Haushalt nach einer langen Debatte beschlossen.",
    "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.",
    "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate.",
    "Городской совет во вторник утвердил новый бюджет после долгих дебатов о школах.",
    "市議会は火曜日、学校予算をめぐる長い議論の末に新しい予算案を可決した。",
    "시의회는 화요일 학교 예산에 관한 긴 토론 끝에 새 예산안을 승인했다.",
    "Hội đồng thành phố đã thông qua ngân sách mới vào thứ Ba sau một cuộc tranh luận dài.",
    # the same with combining marks
    "Hô\u0323i đô\u0300ng tha\u0300nh phô\u0301 đa\u0303 thông qua ngân sa\u0301ch mơ\u0301i.",
    "المجلس البلدي وافق يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل",
    "NASA and the ESA said in a JOINT STATEMENT that the launch is DELAYED until May.",
    "Visit https://example.org/news?id=3 or write to desk@example.org for the full report.",
    "Ελληνικά κείμενα με πολλές λέξεις για να δούμε τι θα γίνει εδώ σήμερα.",
    "a b c  d\n\ne\tf — g … h",
    "Şi ţara în care trăim, România, are nevoie de reforme (ș ț).",
]


@cache
def factory() -> DetectorFactory:
    """langdetect's own, loaded apart from ours."""
    made = DetectorFactory()
    made.load_profile(PROFILES_DIRECTORY)
    made.set_seed(0)
    return made


def reference(text: str, trials: int) -> list[tuple[str, float]] | None:
    """What langdetect itself answers with the same seed and trials; None when it cannot."""
    detector = factory().create()
    detector.n_trial = trials
    detector.append(text)
    try:
        return [(guess.lang, guess.prob) for guess in detector.get_probabilities()]
    except LangDetectException:
        return None


def ours(detector: Detector, text: str) -> list[tuple[str, float]] | None:
    try:
        return [(guess.lang, guess.prob) for guess in detector.probabilities(text)]
    except NoFeatures:
        return None


@pytest.fixture(scope="module")
def detectors() -> dict[int, Detector]:
    return {trials: Detector(seed=0, trials=trials) for trials in (1, 3)}


@pytest.mark.parametrize("trials", [1, 3])
@pytest.mark.parametrize("text", TEXTS)
def test_same_probabilities_as_langdetect(
    detectors: dict[int, Detector], text: str, trials: int
) -> None:
    assert ours(detectors[trials], text) == reference(text, trials)


def test_the_word_cache_changes_nothing(detectors: dict[int, Detector]) -> None:
    detector = detectors[1]
    first = [ours(detector, text) for text in TEXTS]
    assert [ours(detector, text) for text in reversed(TEXTS)] == first[::-1]


def test_the_character_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.langid.CHARACTER_CACHE", 8)
    detector = Detector(seed=0, trials=1)
    text = "Hello wörld, こんにちは мир"
    assert ours(detector, text) == reference(text, 1)
    assert len(detector.normal) <= 8


def test_a_text_without_features_raises(detectors: dict[int, Detector]) -> None:
    with pytest.raises(NoFeatures):
        detectors[1].probabilities("1234 5678 !!! ---")


# Characters where langdetect's normalisation does something: Latin and its neighbours,
# upper case, punctuation it turns into spaces, Vietnamese combining marks, CJK, kana, Arabic.
ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ   \n\t.,;:!?'\"-_[]^`0123")
    + list("éèàçßäöüÉÀØœ€“”…—ăâșțşţđơưạảấầẩẫậ\u0300\u0301\u0303\u0309\u0323")
    + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВΓΔαβγ")
    + list("日本語中文字学校予算ひらがなカタカナ한국어ㄅㄆيیپ")
)


@settings(max_examples=300, deadline=None)
@given(text=st.text(ALPHABET, max_size=120) | st.text(max_size=60))
def test_any_text_gets_langdetects_answer(detectors: dict[int, Detector], text: str) -> None:
    assert ours(detectors[1], text) == reference(text, 1)


def test_the_profiles_are_langdetects_own() -> None:
    """`load_profiles` reads langdetect's files itself: the languages in its order, and every
    n-gram's probabilities equal, float for float, to what its factory builds."""
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    profiles = load_profiles()
    assert profiles.languages == factory.langlist
    assert list(profiles.table) == list(factory.word_lang_prob_map)
    assert all(
        list(profiles.table[gram]) == vector for gram, vector in factory.word_lang_prob_map.items()
    )
