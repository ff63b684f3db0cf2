"""What a question asks about, read in service titles: the kind of help several regions' programmes have in common.

The catalogue holds one programme under many names, one per local government: "출산지원금 얼마 받을 수 있어요?" is
answered by 부산광역시 강서구's "출산지원금 지원", 대전광역시 유성구's "출산장려금 지원" and 경상남도 거창군's "출산축하금
지원" alike, and by no title that names the programme as the question does. The question's *subject* in a title is
the question's words that the title holds, less the words that name no programme (:data:`GENERIC_TERMS`: 지원, 지원금,
신청, 얼마 …) and the places the question names: "출산" for each of the three. Two titles are the same kind of help
for the question when the second holds the first one's subject (:meth:`TitleSubjects.same_kind`), so the answer can
see that the best documents are different regions' versions of one kind of help and ask where the citizen lives
instead of answering with one region's.

A question's words are read as the retriever read them (:class:`~assistant.knowledge.retriever.RetrievalResult`):
a Korean term as written or as one of the catalogue terms of its colloquial expansion ("낳" → 출산), an English
phrase as its glossary translation ("childbirth" → 출산); a title is read as text. Own code: the words are the
retriever's, the comparison is substring inclusion.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.knowledge.glossary import default_colloquial
from assistant.knowledge.retriever import DocHit, RetrievalResult
from assistant.regions import region_names

#: Words of a question or a title that say what kind of thing a service is (money, a programme, how to apply), not
#: which programme: left out of a subject. ("원금" is the bigram the tokenizer also gives for 지원금.)
GENERIC_TERMS = frozenset({
    "지원", "지원금", "원금", "지원사업", "사업", "서비스", "신청", "안내", "제도", "지급", "혜택", "얼마", "금액", "방법",
    "대상", "자격", "운영", "정보", "프로그램", "정책", "support", "service", "services", "benefit", "programme",
    # a helper or the co-payment: 산후조리도우미, 장애인 도우미 and 축산농가 헬퍼(도우미) are no one kind of help (s50
    # probe: "산후도우미 지원" asked a region among them under '도우미')
    "도우미", "헬퍼", "본인부담금",
})
#: A subject word has at least this many characters (one syllable is a particle or a stray morpheme: 사, 데, 주).
MIN_SUBJECT_CHARS = 2
_NOT_WORD = re.compile(r"[\W_]+")


def asked_terms(result: RetrievalResult) -> list[frozenset[str]]:
    """Each word the question asked with, as the catalogue may write it: a Korean term (not a part of a longer one
    of the question) with the catalogue terms of its colloquial expansion (:attr:`RetrievalResult.expansions`), an
    English phrase as its Korean translation (:attr:`RetrievalResult.translations`); one set of alternatives per word."""
    if result.translations:
        # a translation's colloquial catalogue words count as for a Korean question ("newborn baby" → 신생아, which
        # the catalogue also says 출산: s36 probe, "What support is there for a newborn baby?" got 경기도's
        # 산후조리비지원 alone, never 건강보험 임신·출산 진료비 지원)
        colloquial = default_colloquial().terms
        return [frozenset({*korean, *(c for k in korean for c in colloquial.get(k, ()))})
                for _phrase, korean in result.translations]
    expanded = dict(result.expansions)
    # a compound's parts are words of the question only with it ("건강이음" gives 건강, 강이, 이음 too): a title that
    # holds a part alone ("건강관리") is not about the compound
    whole = [t for t in result.terms if not any(t != u and t in u for u in result.terms)]
    return [frozenset({t, *expanded.get(t, ())}) for t in whole]


def place_names(result: RetrievalResult) -> set[str]:
    """Every name of the places the question named (:attr:`RetrievalResult.places`: each 시·도 and 시·군·구 with its
    short forms, :func:`~assistant.regions.region_names`): a word inside one is the place, no topic."""
    return {n for p in result.places for part in (p.sido, p.sigungu) if part for n in region_names(part)}


class TitleSubjects:
    """The question's subject in service titles (see the module docstring).

    The question's words are the retriever's (:func:`asked_terms`); a title is read as text.

    Example:
        >>> subjects = TitleSubjects()
        >>> subjects.subject(result_for("출산지원금 얼마 받을 수 있어요?"), "출산장려금 지원")  # doctest: +SKIP
        frozenset({'출산'})
    """

    @staticmethod
    def _squashed(title: str) -> str:
        return _NOT_WORD.sub("", title).lower()

    @staticmethod
    def label(subject: frozenset[str], title: str) -> str:
        """How an answer names the kind of help by ``subject`` (:meth:`subject`'s words of ``title``): the stretch of
        ``title`` from the first of them to the end of the last, as the title writes it, with a one-syllable prefix the
        tokenizer split off the first word taken back (한부모가족: Kiwi reads 한 + 부모 + 가족, so the words are 부모
        and 가족; s48 probe, "'부모 가족' services are run by several local governments"); ``""`` for no words.

        >>> TitleSubjects.label(frozenset({"부모", "가족"}), "저소득 한부모가족 자립 지원")
        '한부모가족'
        >>> TitleSubjects.label(frozenset({"전세", "자금", "대출", "이자"}), "전입세대 전세자금 대출이자 지원")
        '전세자금 대출이자'
        >>> TitleSubjects.label(frozenset({"출산"}), "출산축하금 지원"), TitleSubjects.label(frozenset(), "출산축하금")
        ('출산', '')
        >>> TitleSubjects.label(frozenset({"주차장", "장애인"}), "공영주차장 이용요금 감면(장애인)")
        '주차장 이용요금 감면(장애인)'
        >>> TitleSubjects.label(frozenset({"무료", "예방접종"}), "독감 예방접종(무료) 안내")
        '예방접종(무료)'

        """
        at = [i for i, ch in enumerate(title) if _NOT_WORD.sub("", ch)]  # the squashed text's characters in the title
        text = "".join(title[i] for i in at).lower()
        spans = [(text.find(w), text.find(w) + len(w)) for w in subject if w and w in text]
        if not spans:
            return ""
        start, end = at[min(a for a, _b in spans)], at[max(b for _a, b in spans) - 1] + 1
        word_start = max(title.rfind(" ", 0, start) + 1, 0)
        if start - word_start == 1 and "가" <= title[word_start] <= "힣":
            start = word_start
        # a bracket opened in the stretch is closed, one closed in it opened ("공영주차장 이용요금 감면(장애인)": not
        # "주차장 이용요금 감면(장애인")
        if title.count("(", start, end) > title.count(")", start, end) and (close := title.find(")", end)) >= 0:
            end = close + 1
        if title.count(")", start, end) > title.count("(", start, end) and (open_ := title.rfind("(", 0, start)) >= 0:
            start = open_
        return title[start:end].strip()

    def holds(self, title: str, words: frozenset[str]) -> bool:
        """Whether ``title`` holds every one of ``words`` (spaces and punctuation ignored: "청년월세" holds 월세)."""
        text = self._squashed(title)
        return all(w in text for w in words)

    def subject(self, result: RetrievalResult, title: str) -> frozenset[str]:
        """The question's words ``title`` holds (spaces and punctuation ignored), less :data:`GENERIC_TERMS`, words
        shorter than :data:`MIN_SUBJECT_CHARS`, words inside the names of the places the question named
        (:attr:`RetrievalResult.places`: 수성구, and its fragment 성구), and each word inside a longer one kept
        ("장애" and "애인" inside "장애인"). Empty when none is left.

        The title is read as text, not as its tokens: a title alone is tokenised otherwise than the same words in
        a question ("건강이음" alone is 건강 + 잇, in "건강이음 신청 방법" it is 건강이음)."""
        text = self._squashed(title)
        places = place_names(result)
        found = {t.lower() for options in asked_terms(result) for t in options if t.lower() in text}
        found = {t for t in found if t not in GENERIC_TERMS and len(t) >= MIN_SUBJECT_CHARS
                 and not any(t in n for n in places)}
        return frozenset(t for t in found if not any(t != u and t in u for u in found))

    def same_kind(self, result: RetrievalResult) -> Callable[[DocHit, DocHit], bool]:
        """``kind(anchor, hit)``: whether ``hit``'s title holds every word of the question's subject in ``anchor``'s
        title (False when that subject is empty: a title that holds nothing of the question groups nothing)."""
        subjects: dict[str, frozenset[str]] = {}

        def kind(anchor: DocHit, hit: DocHit) -> bool:
            title = anchor.doc.title
            if title not in subjects:
                subjects[title] = self.subject(result, title)
            return bool(subjects[title]) and self.holds(hit.doc.title, subjects[title])
        return kind
