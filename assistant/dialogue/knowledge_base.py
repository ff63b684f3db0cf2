"""The dialogue engine's view of the knowledge index: answers and service names.

:class:`RetrievalKnowledge` wraps the hybrid retriever and the answer composer
(the same call the first router made). :class:`ServiceTitleMatcher` finds the
services a message names by their titles: whitespace, punctuation and case are
ignored ("연탄 쿠폰" names 연탄쿠폰), and a title's parenthesised part and the part
before it count as names of their own ("Energy voucher (에너지바우처)").
Names shorter than :data:`MIN_NAME_CHARS` characters are ignored (too generic).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

import numpy as np

from assistant.knowledge.composer import FURTHER_TOP, Answer, AnswerComposer
from assistant.knowledge.retriever import DocHit, HybridRetriever, RetrievalResult

MIN_NAME_CHARS = 3
#: the generic end of a Korean service name, which citizens leave out ("안심상속" for 안심상속서비스)
_GENERIC_TAIL = re.compile(r"\s*(?:서비스\s*제공|서비스|지원\s*사업|사업)$")
_SQUASH = re.compile(r"[\W_]+", re.UNICODE)
_PAREN = re.compile(r"\(([^()]*)\)")
_KOREAN_TAIL = re.compile(r"\s*\([^()]*[가-힣][^()]*\)\s*$")


def squash(text: str) -> str:
    """``text`` lower-cased without whitespace, punctuation or underscores: how service names are compared
    ("청년 월세 지원" and "청년월세지원" alike)."""
    return _SQUASH.sub("", text).lower()


#: words of a service's name that say it is help, not which (:func:`title_has_name`)
_HELP_WORDS = frozenset({"서비스", "지원", "지원금", "지원사업", "사업", "제도", "혜택", "프로그램", "신청"})


def title_has_name(title: str, name: str) -> bool:
    """Whether ``title`` is the service a citizen names ``name``: it holds the name (:func:`squash`d), or each of the
    name's words of two characters or more but those that say it is help (서비스, 지원, 사업 …), at least two of them,
    as written. A name said otherwise than the title ("산모 건강관리 서비스" for 산모·신생아 건강관리 지원사업,
    "청소년산모 의료비" for 청소년산모 임신·출산 의료비 지원; s51 probe: "… 찾지 못했어요" beside those titles).

    >>> title_has_name("청소년산모 임신·출산 의료비 지원", "청소년산모 의료비"), title_has_name("청년 월세 지원", "청년월세")
    (True, True)
    >>> title_has_name("청소년산모 임신·출산 의료비 지원", "미혼모 의료비 지원"), title_has_name("산모 교통비", "산모 건강관리")
    (False, False)
    """
    held = squash(title)
    if squash(name) and squash(name) in held:
        return True
    words = [squash(w) for w in name.split() if len(squash(w)) >= 2 and squash(w) not in _HELP_WORDS]
    return len(words) >= 2 and all(w in held for w in words)


class RetrievalKnowledge:
    """Retrieval + composer behind :class:`~assistant.dialogue.actions.Knowledge`.

    Args:
        retriever: the loaded hybrid retriever; composer: the answer composer; top_k: documents to retrieve.
    """

    def __init__(self, retriever: HybridRetriever, composer: AnswerComposer, top_k: int) -> None:
        self.retriever = retriever
        self.composer = composer
        self.top_k = top_k
        self._titles: tuple[object, dict[str, set[str]]] | None = None  # (the index it was built for, name → titles)

    def answer(self, text: str, vector: np.ndarray | None, p_oos: float, region: str | None = None,
               language: str | None = None, excluded: frozenset[str] = frozenset()) -> Answer:
        """The composed answer for ``text`` (``vector``: its embedding, if known; ``region``: where the citizen
        lives, if known: the retriever ranks that region's and national programmes first, and the composer picks
        the region's variant, see :meth:`HybridRetriever.run` and :meth:`AnswerComposer.run`; ``language``: the
        answer's language when not the question's; ``excluded``: titles set aside earlier in the conversation, no
        answer as those ``text`` sets aside are)."""
        excluded = self.excluded_titles(text) | excluded
        k = self.top_k + 2 * len(excluded)  # each service set aside may take its page and its twin off the list
        result = self.retriever.run(text, k=k, query_vector=vector, region=region)
        # whether the question has an answer is judged without the region's preference (AnswerComposer.run, judged)
        judged = self.retriever.run(text, k=k, query_vector=vector) if region else None
        # "에너지바우처 말고 다른 난방비 지원 있어요?" (s42 probe: 에너지바우처 again): the services set aside, in either
        # language (a page's twin shares its service id), are no answer
        ids = {d.service_id for d in self.composer.index.docs.values() if d.title in excluded and d.service_id} if excluded else set()

        def kept(hits: tuple[DocHit, ...]) -> tuple[DocHit, ...]:
            return tuple(h for h in hits if h.doc.title not in excluded and not (h.doc.service_id and h.doc.service_id in ids))
        if excluded:
            result = dataclasses.replace(result, hits=kept(result.hits)[:self.top_k])
            if judged is not None:
                judged = dataclasses.replace(judged, hits=kept(judged.hits)[:self.top_k])

        def wider() -> tuple[DocHit, ...]:  # asked by the composer only when other regions' versions fill the hits
            return self.retriever.region_and_national(text, result.places, k=self.top_k, query_vector=vector)
        def further() -> tuple[DocHit, ...]:  # asked by the composer only when a region's programme leads, region unknown
            hits = self.retriever.run(text, k=FURTHER_TOP + 2 * len(excluded), query_vector=vector).hits
            return kept(hits)[:FURTHER_TOP] if excluded else hits
        answer = self.composer.run(result, p_oos=p_oos, region=region, judged=judged, wider_search=wider, language=language,
                                   further_search=further)
        if answer.abstained and not answer.signals.get("missing") and not excluded:
            return self._judged_without_person(text, result, judged, p_oos, region, wider, language) or answer
        return answer

    def _judged_without_person(self, text: str, result: RetrievalResult, judged: RetrievalResult | None, p_oos: float,
                               region: str | None, wider: Callable[[], tuple[DocHit, ...]],
                               language: str | None) -> Answer | None:
        """The answer to ``text`` judged on the question without the words that say who the person is
        (:func:`~assistant.nlu.household.without_person_words`), when that question's first page is the one ``text``
        ranks first; else None. s49 probe: "70살 어머니 치매 검사 무료로 받을 수 있나요" ranked 치매진단(감별)검사비
        지원 first yet abstained (gate 0.22: 70, 살, 어머니 are on no page about a test; the page's 지원 대상 says 만
        60세 이상), where "치매 검사 무료로 받을 수 있나요" is answered (0.84). Whether the documents answer a question
        does not depend on whose it is; who it is still shapes the ranking and the answer (the age's verdict). Nor on
        the life event told beside the help asked (:meth:`AnswerComposer.without_told_event`; s60 probe: "회사에서
        짤렸는데 월세 지원 받을 수 있어요?" ranked 청년 월세 지원 first yet abstained at a margin of 0.03, where "월세 지원
        받을 수 있어요?" is answered)."""
        from assistant.nlu.household import without_person_words

        asked = without_person_words(self.composer.without_told_event(text))
        first = (judged or result).hits[0].doc.doc_id if (judged or result).hits else None
        if asked == text or not asked or first is None:
            return None
        plain = self.retriever.run(asked, k=self.top_k)
        if not plain.hits or plain.hits[0].doc.doc_id != first:
            return None
        again = self.composer.run(result, p_oos=p_oos, region=region, judged=plain, wider_search=wider, language=language)
        return None if again.abstained else again


    def excluded_titles(self, text: str) -> frozenset[str]:
        """The titles of the services ``text`` sets aside ("에너지바우처 말고 다른 …", "연탄쿠폰 빼고", "아이돌봄 외에",
        "other than the energy voucher"): every title (Korean and English pages) going by the longest names found in
        the words before such a cue (:data:`_SET_ASIDE`; :func:`title_names`: "에너지바우처", not the "바우처" inside it,
        which 산림복지서비스이용권(바우처) goes by), or none."""
        m = _SET_ASIDE.search(text)
        if m is None:
            return frozenset()
        said = squash(m.group("named") or m.group("named_en") or "")
        if self._titles is None or self._titles[0] is not self.composer.index:
            names: dict[str, set[str]] = {}
            for d in self.composer.index.docs.values():
                for key in title_names(d.title):
                    names.setdefault(key, set()).add(d.title)
            self._titles = (self.composer.index, names)
        found = [k for k in self._titles[1] if k in said]
        longest = [k for k in found if not any(k != other and k in other for other in found)]
        return frozenset(t for k in longest for t in self._titles[1][k])


#: A service set aside, then what is asked instead: "X 말고", "X 빼고", "X 외에", "X 말구", "X 제외하고", "other than X",
#: "besides X", "apart from X", "except X", "instead of X".
_SET_ASIDE = re.compile(r"(?P<named>\S.{0,40}?)\s*(?:말고|말구|말곤|빼고|외에|외의|제외하고)(?![가-힣])"
                        r"|\b(?:other\s+than|besides|apart\s+from|except(?:\s+for)?|instead\s+of)\s+(?P<named_en>.{1,60})",
                        re.I)


def title_names(title: str) -> dict[str, str]:
    """The names a title goes by, ``{key (squashed): as written}``: the title, its parenthesised part and the part
    before it (an English page's title ends with its Korean name in parentheses: the English part alone names it
    too), and each without its generic tail ("안심상속" for 안심상속서비스, "아이돌봄" for 아이돌봄 서비스); names shorter
    than :data:`MIN_NAME_CHARS` are none.

    >>> sorted(title_names("Energy voucher (에너지바우처)"))
    ['energyvoucher', 'energyvoucher에너지바우처', '에너지바우처']
    """
    variants = {title, _PAREN.sub("", title), *_PAREN.findall(title), _KOREAN_TAIL.sub("", title)}
    variants |= {short for v in variants if len(squash(short := _GENERIC_TAIL.sub("", v.strip()))) >= MIN_TYPO_CHARS}
    return {key: v.strip() for v in variants if len(key := squash(v)) >= MIN_NAME_CHARS}


def _qualifiers(titles: list[str]) -> set[str]:
    """The name keys of Korean titles' parenthesised parts that qualify a title rather than name it: a place, or a
    word another title holds outside its own parentheses ("의왕시 상하수도 요금 감면(장애인)": "장애인", which "장애인
    보장구 지원" holds; "산림복지서비스이용권(바우처) 지급": "바우처", which "에너지바우처" holds). s45 probe: "전주 사는데
    장애인 가정 양육비 지원 있나요" named 의왕시 상하수도 요금 감면(장애인) by its "장애인" and was answered with it. A part
    no other title holds outside its parentheses ("자산형성지원사업(청년내일저축계좌)", "…(안심상속서비스)") names its
    title; an English title's part is its Korean name ("Energy voucher (에너지바우처)")."""
    from assistant.regions import places_in_text

    outside = [squash(_PAREN.sub("", t)) for t in titles]
    kept = {key for t in titles for key in title_names(_PAREN.sub("", t))}  # a title's own name is never a qualifier
    out: set[str] = set()
    for title, bare in zip(titles, outside, strict=True):
        if not re.search(r"[가-힣]", _PAREN.sub("", title)):
            continue
        for part in _PAREN.findall(title):
            for key in {squash(part), squash(_GENERIC_TAIL.sub("", part.strip()))}:
                if key and key not in kept and (places_in_text(part) or any(key in o for o in outside if o != bare)):
                    out.add(key)
    return out


class ServiceTitleMatcher:
    """Finds service titles in a message.

    Example:
        >>> ServiceTitleMatcher(["연탄쿠폰", "Energy voucher (에너지바우처)"]).find("연탄 쿠폰 받을 수 있나요")
        ['연탄쿠폰']
    """

    def __init__(self, titles: Iterable[str]) -> None:
        self._names: dict[str, str] = {}
        self._written: dict[str, str] = {}  # a name's key → the name as the title writes it
        titles = list(titles)
        # names that only qualify a title: no name of it inside a longer message (find), though one typed alone still
        # is (match_alone: "바우처요" is the bare name of 산림복지서비스이용권(바우처) 지급, declined as before)
        self._qualifiers = _qualifiers(titles)
        for title in titles:
            for key, v in title_names(title).items():
                self._names.setdefault(key, title)
                self._written.setdefault(key, v)
        self._keys = sorted(self._names, key=len, reverse=True)
        self._by_length: dict[int, list[str]] | None = None

    @property
    def empty(self) -> bool:
        """True when there are no titles (nothing can be named)."""
        return not self._keys

    def find(self, text: str) -> list[str]:
        """Titles named in ``text``, longest name first, each once."""
        squashed = squash(text or "")
        if not squashed:
            return []
        out: list[str] = []
        for k in self._keys:
            if k in squashed and self._names[k] not in out and k not in self._qualifiers:
                out.append(self._names[k])
        return out

    def holds_any(self, names: frozenset[str]) -> bool:
        """Whether any title holds one of ``names`` within it (spacing, punctuation and case ignored): "출산지원금
        지원" holds 출산지원금, which :meth:`find` does not find in a message that names only 출산지원금."""
        wanted = [k for n in names if len(k := squash(n)) >= MIN_NAME_CHARS]
        return any(w in k for w in wanted for k in self._keys)

    def named_alone(self, text: str) -> str | None:
        """The title a message that is (nearly) nothing but a service's name names, or None.

        The message, less a polite ending ("에너지바우처요", "청년월세 이요?", :func:`bare_name`), must equal a name
        exactly (spacing, punctuation and case ignored) or be a close typo of exactly one title's name
        (:func:`close_typo`: one syllable or letter changed, dropped or added, in a name of at least
        :data:`MIN_TYPO_CHARS` characters; a Hangul syllable swapped for one that shares two of its three jamo).

        Example:
            >>> ServiceTitleMatcher(["Energy voucher (에너지바우처)"]).named_alone("에너지 바우쳐요")
            'Energy voucher (에너지바우처)'
        """
        match = self.match_alone(text)
        return match[0] if match is not None else None

    def match_alone(self, text: str) -> tuple[str, str] | None:
        """``(title, name)`` for a bare name (see :meth:`named_alone`): ``name`` is the title's name the message
        typed, as the title writes it ("Energy voucher" for "energy vouchr", "에너지바우처" for "에너지바우쳐요")."""
        key = self._alone_key(text)
        return (self._names[key], self._written[key]) if key is not None else None

    def _alone_key(self, text: str) -> str | None:
        whole = squash(text or "")
        if whole in self._names:  # a name that itself ends like a polite ending
            return whole
        if (asked := _REQUEST_END.sub("", whole)) != whole and asked in self._names:  # a name ending like a particle
            return asked
        bare = bare_name(text)
        if len(bare) < MIN_NAME_CHARS:
            return None
        if bare in self._names:
            return bare
        if len(bare) < MIN_TYPO_CHARS:
            return None
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for k in self._keys:
                by_length.setdefault(len(k), []).append(k)
            self._by_length = by_length
        found = {k for n in (len(bare) - 1, len(bare), len(bare) + 1)
                 for k in self._by_length.get(n, ()) if len(k) >= MIN_TYPO_CHARS and close_typo(bare, k)}
        if len({self._names[k] for k in found}) != 1:
            return None  # none, or two titles as close: not a typo of either
        return min(found)


#: the shortest name a typo of which is still read as that name ("에너지바우쳐" → 에너지바우처; "연탄쿤" is no 연탄쿠폰)
MIN_TYPO_CHARS = 4
#: polite endings after a bare name: "에너지바우처요", "청년월세이요", "…이에요", "…은요?", "…please"
_POLITE_END = re.compile(r"(?:이에요|예요|입니다|이요|은요|는요|요|please|pls)$")


#: a request for what a named service is, after its name (squashed: no spaces): "에너지바우처 알려줘", "… 좀 알려
#:주세요", "…에 대해 설명해 줘", "…가 뭐예요?", "…이란?" (s32 fresh-user probe: "에너지바우처 알려줘", "연탄쿠폰 알려줘"
#: and "안심상속 알려줘" were read as out_of_scope 0.54-0.66 and refused, while "에너지바우처 알려주세요" was answered)
_REQUEST_END = re.compile(r"(?:(?:에대해서?|에관해서?|에대한정보)?(?:좀)?(?:알려줘요?|알려주세요|알려주실래요|알려줄래요?|설명해줘요?"
                          r"|설명해주세요|설명좀해줘|뭐야|뭐예요|뭐에요|뭔가요|뭐죠|뭐지|뭐임|란|이란"
                          # how it is typed in chat (s35 probe: "에너지바우쳐 머에요" was turned away as out of scope)
                          r"|머야|머예요|머에요|머임|머지|모야|모예요|모에요|뭐얌|뭐여|머여))$")
#: a particle between the name and the request ("에너지바우처가 뭐예요?"): dropped only after a request was
_PARTICLE_END = re.compile(r"(?:이|가|은|는|을|를)$")


def asks_what_it_is(text: str) -> bool:
    """Whether ``text`` ends with a request for what the name before it is ("… 알려줘", "…가 뭐예요?":
    :data:`_REQUEST_END`)."""
    squashed = squash(text or "")
    return _REQUEST_END.sub("", squashed) != squashed


def bare_name(text: str) -> str:
    """``text`` squashed (no spaces, punctuation or case) less one polite ending ("에너지 바우쳐요?" → "에너지바우쳐"), or
    less a request for what it is and the particle before it ("에너지바우처가 뭐예요?", "연탄쿠폰 좀 알려줘" →
    "연탄쿠폰": :data:`_REQUEST_END`)."""
    squashed = squash(text or "")
    asked = _REQUEST_END.sub("", squashed)
    if asked != squashed and len(asked) >= MIN_NAME_CHARS:
        return _PARTICLE_END.sub("", asked) if len(asked) > MIN_NAME_CHARS else asked
    return _POLITE_END.sub("", squashed)


def _jamo(ch: str) -> tuple[int, int, int] | None:
    """(initial, medial, final) jamo indices of a precomposed Hangul syllable (Unicode §3.12), else None."""
    code = ord(ch) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return code // 588, (code % 588) // 28, code % 28


def _near_letter(a: str, b: str) -> bool:
    """Two different characters a one-character typo may swap: Hangul syllables sharing two of their three jamo
    ("처"/"쳐"), or two letters/digits outside Hangul."""
    ja, jb = _jamo(a), _jamo(b)
    if ja is None or jb is None:
        return ja is None and jb is None
    return sum(x == y for x, y in zip(ja, jb, strict=True)) >= 2


def close_typo(typed: str, name: str) -> bool:
    """Whether ``typed`` is ``name`` with one character changed (:func:`_near_letter`), dropped or added.

    Own code rather than a fuzzy-matching library: the one rule that matters here is jamo-aware
    (a syllable swap counts only when the syllables share two jamo), which edit-distance libraries do not offer.
    """
    if typed == name:
        return True
    if len(typed) == len(name):
        diffs = [(a, b) for a, b in zip(typed, name, strict=True) if a != b]
        return len(diffs) == 1 and _near_letter(*diffs[0])
    short, long_ = sorted((typed, name), key=len)
    if len(long_) - len(short) != 1:
        return False
    i = next((j for j, (a, b) in enumerate(zip(short, long_, strict=False)) if a != b), len(short))
    return short[i:] == long_[i + 1:]


class IndexTitleMatcher:
    """:class:`ServiceTitleMatcher` over the titles of the index a retriever answers from *now*.

    The retriever reloads its index when the index's ``CURRENT`` pointer moves (an import or a retraction in
    this or another process, :meth:`HybridRetriever.refresh`); this matcher checks for that on every
    :meth:`find` (one ``stat``) and rebuilds its titles when the index object changed, so a newly imported
    service's name is recognised without a restart. Rebuilding takes a few milliseconds for the catalogue.

    Args:
        retriever: the retriever whose index is followed.
        source: only documents of this source (e.g. ``gov24``); None: all.
    """

    def __init__(self, retriever: HybridRetriever, source: str | None = None) -> None:
        self.retriever = retriever
        self.source = source
        self._state: tuple[object, ServiceTitleMatcher] | None = None

    @property
    def matcher(self) -> ServiceTitleMatcher:
        """The matcher for the retriever's current index (refreshed first)."""
        self.retriever.refresh()
        index = self.retriever.index
        state = self._state
        if state is None or state[0] is not index:
            titles = (d.title for d in index.docs.values() if self.source is None or d.source == self.source)
            state = (index, ServiceTitleMatcher(titles))
            self._state = state  # one assignment: a concurrent find sees the old pair or the new one, never a mix
        return state[1]

    def find(self, text: str) -> list[str]:
        """Titles named in ``text`` (see :meth:`ServiceTitleMatcher.find`)."""
        return self.matcher.find(text)

    def named_alone(self, text: str) -> str | None:
        """The title a bare service name names (see :meth:`ServiceTitleMatcher.named_alone`)."""
        return self.matcher.named_alone(text)

    def holds_any(self, names: frozenset[str]) -> bool:
        """Whether a title holds one of ``names`` (see :meth:`ServiceTitleMatcher.holds_any`)."""
        return self.matcher.holds_any(names)

    def match_alone(self, text: str) -> tuple[str, str] | None:
        """``(title, name)`` for a bare service name (see :meth:`ServiceTitleMatcher.match_alone`)."""
        return self.matcher.match_alone(text)
