"""What a question that names a place asks about, and whether the named place's page holds it.

The answerability gate counts the words that name a place on that place's own page (``RetrieverConfig.
gate_place_words``: the gate was fitted with them). A page of the place then holds most of the question's words
through the place alone, and the topic needs only an incidental word or two: on the bundled corpus "서울시 강남구에서
주민등록등본 발급받고 싶어요" was answered with 서울시 난임부부 시술비 지원, whose page holds 서울시 (the place), 발급
(a generic word) and 주민, 등록 ("주민등록이 된 대한민국 국민"), yet not 등본: gate 0.66, overlap 0.60. A page of the
named place answers only when it holds the question's topic: every part of at least one of its topic compounds
(:func:`topic_compounds`: 주민등록등본 → 주민, 등록, 등본; a page with only 주민 and 등록 does not hold it).

Own code: a reading of Kiwi's morpheme tags (no library names the topic of a Korean question).
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.nlu.tokenizer import Token

#: Words any question about a service may hold, whatever the service: they name no topic (what is asked of it: 발급,
#: 신청, 지원, 방법, 서류, 자격, 얼마 …; what it is: 서비스, 사업, 제도, 혜택; the citizen's worry about it: 걱정,
#: 고민, "애들 학비가 걱정이에요" is about 학비, s38 probe). "서울시 지원 신청" holds no topic.
GENERIC_WORDS = frozenset(
    "지원 지원금 신청 신청서 발급 재발급 방법 서비스 사업 제도 혜택 안내 정보 문의 절차 서류 구비 구비서류 대상 자격 "
    "조건 기준 내용 기간 금액 얼마 언제 어디 무엇 경우 관련 가능 여부 필요 방문 온라인 접수 처리 확인 이용 "
    "프로그램 정책 제공 걱정 고민".split()
)
#: The tags of a noun compound's parts (common and proper nouns, numbers, Latin and Han words, roots) and of the
#: morphemes a compound may hold between them (a prefix: 재발급; a bound noun: 70세; a noun suffix).
_PART_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
_JOIN_TAGS = _PART_TAGS | {"NR", "SN", "NNB", "XPN", "XSN"}


def topic_compounds(tokens: Iterable[Token], spans: Iterable[tuple[int, int]] = ()) -> tuple[tuple[str, ...], ...]:
    """The question's topic compounds: each run of noun morphemes written together (no space between them), outside
    the ``spans`` that name a place, as its parts of two syllables or more that are not :data:`GENERIC_WORDS`.

    Args:
        tokens: the question's morphemes (:meth:`~assistant.nlu.tokenizer.KoreanTokenizer.tokenize`).
        spans: character spans (start, end) of the words that name a place
            (:meth:`~assistant.knowledge.region_preference.RegionReader.spans`).

    Returns:
        One tuple of parts per compound with any, in question order: "서울시 강남구에서 주민등록등본 발급받고 싶어요"
        with 서울시 and 강남구 as places → ``(("주민", "등록", "등본"),)`` (발급 is generic); "경기도 산후조리비 신청" →
        ``(("산후", "조리"),)`` (비: one syllable).

    Example:
        >>> from assistant.nlu.tokenizer import Token
        >>> topic_compounds([Token("가족", "NNG", 0, 2), Token("관계", "NNG", 2, 4), Token("증명서", "NNG", 4, 7),
        ...                  Token("발급", "NNG", 8, 10)])
        (('가족', '관계', '증명서'),)
    """
    places = tuple(spans)
    runs: list[list[Token]] = []
    end = -1
    for t in tokens:
        if t.tag not in _JOIN_TAGS or any(t.start < e and s < t.end for s, e in places):
            end = -1
            continue
        if t.start == end and runs:
            runs[-1].append(t)
        else:
            runs.append([t])
        end = t.end
    out = []
    for run in runs:
        parts = tuple(dict.fromkeys(t.text for t in run
                                    if t.tag in _PART_TAGS and len(t.text) >= 2 and t.text not in GENERIC_WORDS))
        if parts:
            out.append(parts)
    return tuple(out)


def holds_topic(compounds: Iterable[tuple[str, ...]], doc_terms: frozenset[str], doc_text: str = "",
                expansions: Iterable[tuple[str, tuple[str, ...]]] = (), others: Iterable[str] = ()) -> bool:
    """Whether a page holds the question's topic: every part of at least one compound, each as written (a term of
    the page, or of two syllables or more, in its text without spaces: Kiwi reads the question's 산후조리 as one word
    and the page's 산후조리비 as 산후 + 조리 + 비; a word of three syllables or more also without its last syllable,
    a suffix such as 비 in 버스비 when the page says 시내버스) or (a colloquial word) as one of the catalogue's words
    for it; for a question whose topic is no noun compound (``애
    키우는데``: a one-syllable noun and a verb), one of its colloquial words (``expansions``) or ``others`` (its remaining
    content terms that are not generic) as written or through its catalogue words. A question with none of these
    (nothing but a place and generic words) names no topic a page could hold: False.

    Args:
        compounds: :func:`topic_compounds`.
        doc_terms: the page's content terms (title and sections; :func:`~assistant.nlu.tokenizer.lexical_terms`).
        doc_text: the page's title and sections, lower-cased, without whitespace.
        expansions: each colloquial term of the question with the catalogue terms it also searched for.
        others: the question's other content terms outside the place words (verb stems: 키우, 아프); those of one
            syllable (사, as in "서울 사는데") do not count.

    Example:
        >>> holds_topic([("주민", "등록", "등본")], frozenset({"서울시", "주민", "등록", "발급"}), "서울시주민등록이된국민")
        False
        >>> holds_topic([("산후조리",)], frozenset({"경기도", "산후", "조리", "비"}), "경기도산후조리비지원")
        True
    """
    catalogue = {term: words for term, words in expansions}
    # each word of a colloquial phrase ("가스 비": Kiwi reads 가스비 as 가스 + 비) stands for the phrase's catalogue words
    # too, within a compound; not as a topic of its own (the ``rest`` below: 말 of "말 늦" is no topic)
    within: dict[str, tuple[str, ...]] = {}
    for term, words in catalogue.items():
        for part in term.split() if " " in term else ():
            within[part] = (*within.get(part, ()), *words)

    def written(word: str) -> bool:
        return word in doc_terms or (len(word) >= 2 and word.lower() in doc_text)

    def has(word: str) -> bool:
        # a word of three syllables or more also by its stem, without a one-syllable suffix (버스비 → 버스: the page
        # says 시내버스); Kiwi keeps such words whole in a question
        return (written(word) or (len(word) >= 3 and written(word[:-1]))
                or any(written(w) for w in (*catalogue.get(word, ()), *within.get(word, ()))))

    compounds = [c for c in compounds if c]
    if compounds:
        return any(all(has(p) for p in c) for c in compounds)
    rest = [*catalogue, *(t for t in others if len(t) >= 2)]  # 사 ("서울 사는데") is no topic
    return any(has(t) for t in dict.fromkeys(rest) if t not in GENERIC_WORDS)
