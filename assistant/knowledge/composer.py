"""Answer composer: a grounded reply from retrieved passages, with citations, or an abstention.

Grounding rule: every sentence of an answer that states a fact is a quoted
excerpt of a cited passage; the only other text is the fixed template
(headings such as "지원 대상"). Nothing is paraphrased, so nothing can be
stated that the passage does not support.

Answerability: a retrieval score alone separates answerable from
unanswerable questions badly (chatter such as "ㅋㅋㅋㅋㅋ" gets dense scores
as high as real questions), so :func:`answerability` combines signals:
the intent classifier's out_of_scope probability, agreement of the lexical
and dense retrievers on the top document, the share of the query's content
terms found in the top document, the top dense cosine, and the fused-score
margin over the runner-up. A logistic regression fitted on labelled
questions (:class:`AnswerabilityGate`) turns them into the probability that
the top document answers the question; the cut point is configuration.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from assistant.dialogue.responses import particle_after
from assistant.knowledge.documents import Chunk
from assistant.knowledge.glossary import default_glossary, implied_benefit, implied_benefit_at, told_event_at
from assistant.knowledge.index import DocInfo, KnowledgeIndex
from assistant.knowledge.periods import (
    Clock,
    ended_note,
    labelled_periods,
    parse_period,
    today_in_seoul,
    use_ended_note,
    use_periods,
)
from assistant.knowledge.age_rule import AgeRule, BirthRule
from assistant.knowledge.chunking import TITLE_SECTION
from assistant.knowledge.region_preference import Place, agency_place, compatible
from assistant.knowledge.retriever import DocHit, RetrievalResult
from assistant.knowledge.stems import same_stem
from assistant.knowledge.subject import GENERIC_TERMS, MIN_SUBJECT_CHARS, TitleSubjects, place_names
from assistant.knowledge.target_groups import (
    AGES_OF_LIFE,
    NARROW_GROUPS,
    STAGE_SCORE_SHARE,
    asked_words,
    children_groups,
    excluded_group,
    group_first,
    left_out,
    narrow_group,
    not_excluding_first,
    open_first,
    other_age_of_life,
    shuts_out,
    unasked_stage,
    unstaged_first,
)
from assistant.knowledge.topic import holds_topic, topic_compounds
from assistant.nlu.tokenizer import KoreanTokenizer, Token, lexical_terms
from assistant.regions import (
    LOCAL_SUFFIXES,
    PROVINCE_STEMS,
    agency_regions,
    eligibility_regions,
    place_for_language,
    places_for_language,
    programme_core,
    programme_core_title,
    read_place,
    region_match,
    region_names,
)

EXCERPT_CHARS = 320
#: the excerpt of a section the question itself asks about ("에너지바우처 받을 수 있나요?" → 지원 대상): long enough for
#: the catalogue's longest eligibility lists, so a qualifying group is never cut from the part asked about (s33
#: fresh-user probe: 에너지바우처's list stopped at "한부모가족 …", before 다자녀 가구, the citizen's own group, and "지원
#: 대상 전부 보여주세요" got the same cut list)
ASKED_EXCERPT_CHARS = 1500
#: The longest whom-it-is-for line of a service listed for the citizen to choose among (:meth:`AnswerComposer._for_whom`).
WHO_LINE_CHARS = 160
#: who is eligible, quoted in an answer that asks nothing in particular ("에너지바우처 알려줘"): long enough for most
#: pages' lists whole (s38 fresh-user probe: cut at EXCERPT_CHARS, 에너지바우처's list stopped before 소년소녀가정 and
#: 다자녀 가구, and its English page's after "the recipient or someone in the registered household is …", no group at
#: all: a citizen may read the cut list as not including them)
ELIGIBILITY_EXCERPT_CHARS = 900
#: The answerability of a question that tells a life event its first page is about (:meth:`AnswerComposer.
#: about_told_event`), when the gate gives less: above the shipped cut (0.4), so that it is answered, and below 1, so
#: that an operator's stricter cut (``ASSISTANT_ABSTAIN_THRESHOLD``) still holds. Set by hand, not fitted.
TOLD_EVENT_SCORE = 0.75
#: How many of the first hits are looked at for the page about a life event told (:meth:`AnswerComposer.run`): a
#: family word can rank another page first ("어머니가 돌아가셨어요": 아이돌봄 서비스, then 안심상속).
TOLD_EVENT_TOP = 3
#: How many of the first hits are looked at for the page about the civil filing a question asks to do, when the gate
#: refuses the first (:meth:`AnswerComposer._filing_page`): the words around the filing can rank other pages first
#: ("아버지가 80세인데 운전면허 갱신해야 해요": three 고령운전자 운전면허 자진반납 programmes, then 운전면허 적성검사).
FILING_PAGE_TOP = 5
#: An event told in English as having happened (:meth:`AnswerComposer._about_told_event_en`).
_EVENT_EN = re.compile(r"\b(?:passed\s+away|died|lost\s+(?:my|our)\s+jobs?|(?:got|was|been|were)\s+(?:fired|laid\s+off)"
                       r"|had\s+(?:a|our|my)\s+(?:baby|child)|gave\s+birth)\b", re.I)
def tells_event_en(text: str) -> bool:
    """Whether English ``text`` tells a life event that happened (:data:`_EVENT_EN`).

    >>> tells_event_en("My father passed away, what should I do?"), tells_event_en("I lost my job"), tells_event_en("job loss")
    (True, True, False)
    """
    return bool(_EVENT_EN.search(text or ""))


#: The catalogue's words for the life events the colloquial glossary speaks of (birth, pregnancy, adoption, marriage,
#: divorce, moving in, job loss, retirement, discharge from the forces, death): one of them supposed with 하다's
#: conditional ("출산하면 뭐 받아요?", s38 probe: the gate gave 0.235 to a page titled 임신·출산) reads as
#: :meth:`AnswerComposer.about_told_event`'s event. Other 하다 nouns (신청하면, 운전하면) tell no event.
LIFE_EVENTS_KO = frozenset("출산 출생 임신 입양 결혼 혼인 이혼 전입 이사 실직 실업 퇴직 은퇴 전역 제대 사망".split())
#: The life events of :data:`LIFE_EVENTS_KO` a citizen plans: supposed in an everyday verb ("아기 낳으면 …", "이사 가면
#: …"), the question asks what the event brings, as when told; a death or a job lost supposed ("부모님 돌아가시면 …")
#: is no event told (AnswerComposer.about_told_event).
_PLANNED_EVENTS_KO = frozenset("출산 출생 임신 입양 결혼 혼인 전입 이사".split())


def _joined_chunks(texts: Iterable[str]) -> str:
    """One section's chunk texts, in order, joined into its text: each without the lines it repeats from the one
    before (the splitter's overlap, compared without indentation); a chunk that goes on with the list item the last
    one left open ("…,") gets that item's indentation back (the splitter drops a chunk's first line's), any other
    starts a new block."""
    lines: list[str] = []
    for text in texts:
        new = text.splitlines()
        shared = max((n for n in range(1, min(len(new), len(lines)) + 1)
                      if [ln.strip() for ln in lines[-n:]] == [ln.strip() for ln in new[:n]]), default=0)
        rest = new[shared:]
        if lines and not shared:
            last = next((ln for ln in reversed(lines) if ln.strip()), "")
            indent = last[:len(last) - len(last.lstrip())]
            if rest and indent and last.lstrip().startswith("- ") and rest[0].startswith("- ") \
                    and last.rstrip().endswith((",", "및", "또는")):
                rest = [indent + rest[0], *rest[1:]]
            else:
                lines.append("")
        lines += rest
    return "\n".join(lines)


def _happened(tokens: list[Token]) -> list[str]:
    """The verbs and adjectives of ``tokens`` told as having happened (a past ending, 었/았/였, right after them:
    돌아가셨어요, 잘렸는데), as their stems."""
    return [t.text for i, t in enumerate(tokens) if t.tag.split("-")[0] in ("VV", "VA")
            and any(n.tag == "EP" and n.text in ("었", "았", "였") for n in tokens[i + 1:i + 3])]


def _supposed(tokens: list[Token]) -> list[str]:
    """The verbs of ``tokens`` said as a supposition (the conditional 면 / 으면 right after them, an honorific 시
    between: 낳으면, 돌아가시면), as their stems."""
    return [t.text for i, t in enumerate(tokens) if t.tag.split("-")[0] == "VV"
            and any(n.tag == "EC" and n.text in ("면", "으면") for n in tokens[i + 1:i + 3])]


def _life_event_nouns(tokens: list[Token], endings: tuple[str, ...]) -> list[str]:
    """The :data:`LIFE_EVENTS_KO` nouns of ``tokens`` made verbs by 하다 and followed by one of ``endings`` (a past
    one: 실직했어요; the conditional: 출산하면), in order."""
    return [t.text for i, t in enumerate(tokens[:-2]) if t.tag == "NNG" and t.text in LIFE_EVENTS_KO
            and tokens[i + 1].tag == "XSV" and tokens[i + 2].text in endings]


#: Words of time in a Korean question that name no topic ("지난주에 돌아가셨는데": s38 probe).
_TIME_WORDS_KO = frozenset("지난주 지난달 작년 올해 어제 그제 오늘 최근 얼마 전 주 달 해 년 월 일 며칠 방금 아까".split())
#: Where a life event happened, said with it, by the event's catalogue word ("남편이 회사에서 짤렸어요": s40 probe, the
#: out-of-scope reply; the pages say 사업장, not 회사): part of the event told, no topic of its own. Only for that
#: event: in "출산하면 회사 쉴 수 있어요?" 회사 is what is asked about.
_WORKPLACES_KO = frozenset("회사 직장 일터 공장 가게".split())
_EVENT_PLACES_KO: dict[str, frozenset[str]] = {
    **dict.fromkeys(("실직", "실업", "해고", "퇴직"), _WORKPLACES_KO),
    "사망": frozenset("병원 집 요양원".split()),
}
#: Words of time in an English question that name no topic ("last week", "two months ago").
_TIME_WORDS_EN = frozenset("last week weeks month months year years ago yesterday today recently just should".split())
#: At most this many sections are quoted in the answer to a fact said after an answer (:meth:`AnswerComposer.lines_answer`).
FACT_SECTIONS = 3
#: Said after the lines about a fact: they speak of it, they do not decide (by language).
FACT_CAVEAT = {
    "ko": "이 부분만으로 받을 수 있는지가 정해지지는 않아요. 다른 조건도 함께 맞아야 하고, 최종 판단은 담당 기관이 해요.",
    "en": "These lines alone do not decide whether you can get it: the other conditions count too, and the agency decides.",
}
GATE_FILE = Path(__file__).with_name("answerability_gate.json")
#: The gate of English questions, fitted on English rows only (bench/fit_answerability_gate.py --language en): an
#: English question's dense search mixes in its glossary translation (RetrieverConfig.w_dense_translated), whose
#: cosines run higher for every English question, answerable or not, so the Korean gate must not read them.
GATE_FILES_BY_LANGUAGE: dict[str, Path] = {"en": Path(__file__).with_name("answerability_gate_en.json")}


def gate_features(signals: dict[str, float], features: Iterable[str] | None = None) -> list[float]:
    """The gate's feature vector from :meth:`AnswerComposer.answerability` signals: every one of :data:`FEATURES` in
    that order, or those named by ``features`` (a fitted gate's own, in its order).

    Raises:
        KeyError: a name in ``features`` is not one of :data:`FEATURES`.
    """
    overlap = signals.get("overlap", 0.0)
    values = [
        signals.get("p_oos", 0.0),
        signals.get("dense", 0.0),
        signals.get("agree", 0.0),
        max(overlap, 0.0),
        1.0 if overlap < 0 else 0.0,  # cross-language without a glossary translation: no lexical evidence
        min(max(signals.get("margin", 0.0), 0.0), 1.0),
        math.log1p(max(signals.get("bm25", 0.0), 0.0)),
        signals.get("translated", 0.0),
        signals.get("names_top", 0.0),
    ]
    if features is None:
        return values
    by_name = dict(zip(FEATURES, values, strict=True))
    return [by_name[f] for f in features]


#: Every signal a gate may be fitted on. ``names_top`` (s22) is read by no shipped gate: refits of the English gate with it
#: answered 13–34 CLINC oos_test queries in 1,000 at gate level on the catalogue (main: 10), the phrases that name a
#: title ("work", "money", "free", "card") being as common in out-of-scope questions as in citizens' (s22-gate report).
FEATURES = ("p_oos", "dense", "agree", "overlap", "no_overlap", "margin", "log1p_bm25", "translated", "names_top")
#: Korean glossary words that name no kind of help (지원 "support" is in 706 of the catalogue's 1,097 titles): a phrase
#: naming the top page by one of them is no evidence (:func:`names_top`).
TITLE_BOILERPLATE = frozenset({"지원", "지원사업", "사업", "서비스"})


def names_top(translations: Iterable[tuple[str, Iterable[str]]], title: str,
              boilerplate: frozenset[str] = TITLE_BOILERPLATE) -> bool:
    """Whether an English phrase of the question names the page titled ``title``: one of the Korean words the glossary
    gives for it (``translations``: each matched phrase with its Korean words as the glossary writes them,
    :meth:`~assistant.knowledge.glossary.Glossary.matches`) is in the title, spaces ignored, and is not
    ``boilerplate``.

    "Do I get money if I have a baby?" names 건강보험 임신·출산 진료비 지원 through "have a baby" → 출산; "support" → 지원
    names no page (``boilerplate``).

    Example:
        >>> names_top([("have a baby", ["출산", "출생"])], "(창원시) 출산축하금")
        True
        >>> names_top([("support", ["지원"])], "청년 월세 지원")
        False
    """
    flat = re.sub(r"\s+", "", title)
    return any(w and w not in boilerplate and w in flat
               for _, korean in translations for w in (re.sub(r"\s+", "", k) for k in korean))


@dataclass(frozen=True)
class AnswerabilityGate:
    """Logistic regression over the standardised answerability signals: ``P(top document answers) = σ(w·z + b)``.

    The weights are fitted by ``bench/fit_answerability_gate.py`` on the team's labelled citizen questions
    (bench/citizen_questions*.yaml, positive when the top document is a relevant service) and
    out-of-corpus questions (tests/data/out_of_corpus.yaml), on the full catalogue AND on the small
    bundled corpus, where most questions have no answer and a wrong service is the risk. The fitted
    file records its data, the cross-validated figures and the date.
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    meta: dict[str, object] = field(default_factory=dict)
    #: the signals it was fitted on, in the order of ``weights`` (some of :data:`FEATURES`: a gate fitted before a
    #: signal was added keeps reading the ones it was fitted on, so adding one to a language's gate moves no other's)
    features: tuple[str, ...] = FEATURES

    @classmethod
    def load(cls, path: Path = GATE_FILE) -> AnswerabilityGate:
        """Read the fitted gate (package data).

        Raises:
            InvalidConfigError: the file is missing, names a feature that is not one of :data:`FEATURES`, or its
                weights, mean and scale do not have one number per feature.
        """
        from assistant.errors import InvalidConfigError

        try:
            blob = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InvalidConfigError(f"answerability gate {path} is missing or unreadable: {e}") from e
        features = tuple(blob.get("features", ()))
        if not features or any(f not in FEATURES for f in features) or len(set(features)) != len(features):
            raise InvalidConfigError(f"answerability gate {path} was fitted on features {blob.get('features')}, expected some of {FEATURES}")
        n = len(features)
        mean = tuple(float(v) for v in blob.get("mean", [0.0] * n))
        scale = tuple(float(v) for v in blob.get("scale", [1.0] * n))
        weights = tuple(float(w) for w in blob["weights"])
        if not len(weights) == len(mean) == len(scale) == n:
            raise InvalidConfigError(f"answerability gate {path}: weights, mean and scale must have {n} numbers each")
        return cls(weights, float(blob["bias"]), mean, scale, blob.get("meta", {}), features)

    def probability(self, signals: dict[str, float]) -> float:
        """``σ(w·z + b)`` with ``z`` the signals' feature vector standardised by the fit's mean and scale."""
        z = self.bias + sum(
            w * (x - m) / s for w, x, m, s in zip(self.weights, gate_features(signals, self.features), self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))

#: Section-name keys (lower-case, no spaces) that answer each aspect of a question, the first present one quoted.
#: Overview: serviceDetail's 서비스목적 before serviceList's 서비스목적요약 when a record has both: the summary is the
#: one found copied from another service (fresh-user s10 #20: 129000000009 장병 인권상담 지원's summary describes
#: 병역명문가 benefits; its 서비스목적 is right). Period: 신청기한, asked by "언제 / 기간 / deadline" (s10 #18).
ASPECT_SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": ("서비스목적", "서비스목적요약", "개요", "overview"),
    "eligibility": ("지원대상", "선정기준", "whoiseligible", "eligibility"),
    "benefit": ("지원내용", "whatyouget"),
    "apply": ("신청방법", "신청기한", "접수기관", "howtoapply"),
    "period": ("신청기한", "applicationperiod", "deadline"),
    "documents": ("구비서류", "requireddocuments"),
    "contact": ("문의처", "문의", "contact"),
}
#: Section keys that state an application period: when quoted, an ended one is said to be ended (F9).
PERIOD_SECTIONS = frozenset(ASPECT_SECTIONS["period"])
#: Sections whose words do not count in the answerability overlap: the papers a citizen brings (구비서류, "Required
#: documents") name other services' documents (주민등록표 등본, 가족관계증명서, certificates), not what the service is
#: about, so "How do I get a copy of my resident registration certificate?" overlapped the infertility treatment page on
#: resident / registration / copy / certificate and was answered with it (s10 fresh user, issue 2 item 1).
OVERLAP_LEFT_OUT = frozenset(ASPECT_SECTIONS["documents"])
_ASPECT_CUES: dict[str, tuple[str, ...]] = {
    "apply": ("신청", "어디", "방법", "접수", "온라인", "인터넷", "apply", "application", "where", "how", "online"),
    # 무료/공짜/free: "…무료인가요?" asks what is paid for (s33 probe: the pneumococcal vaccine's 지원 내용 was not quoted)
    "benefit": ("얼마", "금액", "비용", "요금", "가격", "무료", "공짜", "내용", "혜택", "much", "amount", "benefit", "get", "pay",
                "cover", "cost", "costs", "fee", "fees", "free",
                # "간병비 나와요?", "생활비도 빌릴수있어요?": what is paid or lent (s41 probe)
                "나오", "빌리",
                # how often: "매년 받을수있어요?" (격년제 is said with the amount)
                "매년", "해마다", "매해",
                # what it costs, its interest ("돈 드나", "what's the interest rate?": s45 probe); not "month"
                # ("monthly rent support" asks about 월세, not an amount; "how much per month?" is how much)
                "돈", "이자", "금리", "interest", "rate"),
    # one's income or wealth said with a doubt ("월급이 300 넘는데 못 받나요?", "What if my income is too high?")
    "eligibility": ("대상", "자격", "조건", "나이", "살", "세", "소득", "재산", "수입", "월급", "연봉", "받", "eligible", "qualify",
                    "who", "age", "income", "salary", "earn", "earnings"),
    "period": ("기간", "기한", "언제", "마감", "when", "deadline", "until", "period"),
    "documents": ("서류", "준비", "document", "documents", "paperwork"),
    "contact": ("전화", "문의", "연락", "phone", "contact", "call"),
}
#: every aspect's cue words (:meth:`AnswerComposer._asked_compounds`: no topic)
_CUE_WORDS = frozenset(w for cues in _ASPECT_CUES.values() for w in cues)
#: "문의드려요", "문의합니다", "문의 좀 할게요" (I have a question about it): the citizen inquires, which asks for no
#: contact, where "문의처", "어디로 문의해요", "문의하려면" do (s58: "에너지바우처 문의드려요" got the 문의 section alone)
_INQUIRING = re.compile(r"문의\s*(?:좀\s*)?(?:드려요|드려용|드립니다|드리려|드릴게|드릴께|드려\s*봐|합니다|할게|할께|하고\s*싶"
                        r"|드릴\s*게\s*있|할\s*게\s*있|있어요|있습니다)")
#: "how much" / "how many": a question about the amount (s35 probe: "How much do I get?" after the energy voucher was
#: answered with who is eligible, what you get and how to apply, where "얼마 받아요?" got 지원 내용 alone)
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|many)\b")
_HEADINGS = {
    "ko": {"overview": "개요", "eligibility": "지원 대상", "benefit": "지원 내용", "apply": "신청 방법", "period": "신청 기한",
           "documents": "구비 서류", "contact": "문의", "criteria": "선정 기준"},
    "en": {"overview": "Overview", "eligibility": "Who is eligible", "benefit": "What you get", "apply": "How to apply",
           "period": "Application period", "documents": "Required documents", "contact": "Contact",
           "criteria": "Selection criteria"},
}
#: the catalogue's section of who is chosen among those eligible (소득, 연령 …): quoted with 지원대상 when who can get a
#: service is asked (s45 probe: "who can get it?" about 연탄쿠폰 quoted 지원대상 only, "연탄보일러를 … 사용하는 가구",
#: without its 선정기준: 수급권자, 차상위, 65세 이상 …)
CRITERIA_SECTION = "선정기준"


@dataclass(frozen=True)
class Citation:
    """Where a part of an answer comes from (the ``custom.citations`` items of the REST channel)."""

    doc_id: str
    title: str
    agency: str
    url: str
    section: str
    updated_at: str


@dataclass(frozen=True)
class Answer:
    """A composed reply.

    Attributes:
        text: the reply; citations: in rank order; abstained: True when no
        document answers; signals: the answerability features (for logs and tuning).
    """

    text: str
    language: str
    citations: tuple[Citation, ...]
    abstained: bool
    score: float
    signals: dict[str, float] = field(default_factory=dict)
    #: when the best documents are one programme run by several regions and no region was given: the programme's
    #: name, and each region's label ("경기도 안양시") with its document's citation, in rank order; the caller
    #: should ask where the citizen lives rather than show one region's programme (``text`` is still composed)
    programme: str = ""
    regions: tuple[tuple[str, Citation], ...] = ()
    #: the places ("경상남도 창원시") of the local governments' services listed after the answer, each for its own
    #: residents; a place the citizen then says answers the question again for it (:mod:`assistant.dialogue.regional`)
    listed_regions: tuple[str, ...] = ()
    #: the place the question itself named and the answer was given for ("청년 월세 지원 … 저 옥천 살아요" →
    #: "충청북도 옥천군"), when the conversation knew none: the caller keeps it as where the citizen lives when the
    #: question says so (a follow-up, "서류는요?", is then answered for it, not asked the region again); empty otherwise
    region: str = ""


#: A Korean word naming a savings account or a scheme ("청년도약계좌", "국민취업지원제도", "청년희망적금",
#: "주택청약통장"), a particle or a polite ending after it: :func:`unknown_account_or_scheme`.
_ACCOUNT_OR_SCHEME = re.compile(r"([가-힣]{2,}?)(계좌|통장|제도|적금|카드|이용권|기본소득|대출|공제|패키지"
                                 r"|장학금|장려금|급여|수당|연금)[은는이가을를도에의]?(?:요|이요|예요|이에요)?")
#: Endings of :data:`_ACCOUNT_OR_SCHEME` a two-syllable stem names a scheme with ("청년기본소득", "농민기본소득"; s43
#: probe: "청년 기본소득 월 100만원 신청하려면요?" was asked for a region among the 청년 월세 programmes); before the
#: others a name has at least three ("교통카드", "출산제도" are no names)
_SHORT_STEM_ENDS = frozenset({"기본소득"})
#: Endings of a benefit's name (장학금, 장려금, 급여, 수당, 연금) that name one only in a word written as one, where a
#: two-syllable stem is enough ("국가장학금", "자녀장려금", "육아휴직급여", "구직촉진수당", "노령연금"); s49 probe:
#: "국가장학금 받을 수 있나요" was asked for a region among two local scholarships, "자녀장려금 신청 방법" among the
#: 아빠 육아휴직 장려금 programmes, "구직촉진수당 받을 수 있어요?" answered with 조기재취업수당 as if it were it.
#: Joined across a space they are not read as a name: "이번달 급여", "우리 엄마 연금" name nothing.
_ONE_WORD_BENEFIT_ENDS = frozenset({"장학금", "장려금", "급여", "수당", "연금"})


#: Last syllables that end a word with its particle (은, 는, 이, 가, 을, 를, 도, 에, 의, 로, 와, 과, 랑): such a word is
#: not the first part of a name written with spaces.
_PARTICLE_ENDS = frozenset("은는이가을를도에의로와과랑")


#: Endings of a verb or an adjective (a clause: "돌아가셨는데", "몰라서", "없고"): such a word is no part of a name.
_VERB_ENDS = re.compile(r"(?:는데|은데|인데|ㄴ데|는지|고|며|면|서|지만|니까|어요|아요|해요|에요|예요|습니다|요|다)$")


#: Support asked for a kind of business ("소상공인 지원금", "자영업자 대출", "중소기업 정책자금"): the business is who the
#: support is for, and a page for job seekers or workers is no answer to it.
_GROUP_SUPPORT = re.compile(r"(소상공인|자영업자?|중소기업|소기업|스타트업)\s*(?:을\s*위한\s*|들?\s*)?"
                            r"(지원금|지원|정책\s*자금|대출|손실\s*보상|재난\s*지원금|보조금)")


def group_support(query: str, titles: Iterable[str]) -> str | None:
    """Support for a kind of business ``query`` asks for (:data:`_GROUP_SUPPORT`: "소상공인 지원금") when no title holds
    the business's word (``titles``: spaces removed), as written with its support word; else None. s42 probe: "자영업자인데
    가게 문 닫게 생겼어요 소상공인 지원금 있나요" was answered with 조기재취업수당 (a job seeker's allowance) as if it were
    the support asked for; the bundled documents have no page for a small business.

    >>> group_support("자영업자인데 가게 문 닫게 생겼어요 소상공인 지원금 있나요", ["조기재취업수당"])
    '소상공인 지원금'
    >>> group_support("소상공인 지원금 있나요", ["소상공인정책자금"]) is None, group_support("청년 지원금", ["조기재취업수당"]) is None
    (True, True)
    """
    m = _GROUP_SUPPORT.search(query)
    if m is None:
        return None
    group = m.group(1)
    stem = group[:-1] if group.endswith("자") else group
    if any(stem in t for t in titles):
        return None
    support = re.sub(r"\s+", "", m.group(2))
    return f"{group} {support}"


#: Words a missing benefit's name shares with services of every purpose, left out when a related service is looked for
#: (:func:`related_to_missing`): who it is for (the groups of people services are named by) and what a title calls
#: any help
_NAME_GROUP_WORDS = ("장애인", "장애", "청년", "노인", "어르신", "경로", "고령", "고령자", "노령", "아동", "어린이", "아이", "자녀",
                     "영유아", "유아", "학생", "임산부", "여성", "국민", "주민", "시민", "가구", "가정", "가족", "부부", "저소득",
                     "한부모", "소상공인", "자영업자", "농업인", "어업인")
_NAME_GENERIC_WORDS = ("지원금", "장려금", "지원", "서비스", "사업", "제도", "신청", "지급", "급여", "수당", "패키지")


def _asked_nouns(words: Iterable[Token | str]) -> list[str]:
    """The nouns among ``words`` (Kiwi tokens tagged NNG or NNP, or plain words) of two syllables or more beside the
    groups of people and the generic words (:data:`_NAME_GROUP_WORDS`, :data:`_NAME_GENERIC_WORDS`), in order: the
    kinds of help a question asks for ("창업" in "회사 그만두고 창업하려는데 지원 있어요?", "면접" in "취준생인데 면접
    볼 때 돈 주는 거 있나요"). One reader for :meth:`AnswerComposer._implied_alone` and
    :meth:`AnswerComposer._need_beside`."""
    skip = {*_NAME_GROUP_WORDS, *_NAME_GENERIC_WORDS}
    texts = (w if isinstance(w, str) else w.text for w in words if isinstance(w, str) or w.tag in ("NNG", "NNP"))
    return [w for w in texts if len(w) >= 2 and w not in skip]


def missing_note(missing: str, lang: str) -> str:
    """The sentence that says the benefit ``missing`` is not in the documents and a related service follows, in
    ``lang`` (``en``, else Korean)."""
    if lang == "en":
        return f"I have no service called '{missing}' in my documents; this is a related one."
    return f"'{missing}' 서비스는 제가 가진 자료에 없어요. 관련된 서비스를 안내해 드릴게요."


def unsaid_note(title: str, unsaid: Sequence[str], lang: str) -> str:
    """The sentence that says the page of the service ``title`` the question names does not speak of what it asks
    (``unsaid``: the question's words, "카드"), and that the contact below or 110 can tell, in ``lang`` (``en``, else
    Korean)."""
    said = ", ".join(f"'{u}'" for u in unsaid)
    if lang == "en":
        return (f"The information I have on '{title}' does not say anything about {said}. Please ask the office "
                "below, or call the Government Call Center on 110.")
    return f"'{title}' 안내 자료에는 물으신 {said}에 대한 내용이 없어요. 아래 문의처나 정부민원안내콜센터(110)에 확인해 보세요."


#: particles that may close a word a question says (카드를, 선생님도), longest first
_CLOSING_PARTICLE = re.compile(r"(?:에서|으로|이랑|한테|께서|은|는|이|가|을|를|도|만|에|의|로|과|와|랑)$")


def _as_asked(query: str, compound: tuple[str, ...]) -> str:
    """``compound`` (a topic compound's morphemes) as ``query`` writes it: from where its first part starts a word to
    the end of the word its last part is in, a closing particle off ("선생님 바꿀 수 있어요?": (선생,) → 선생님).

    >>> _as_asked("아이돌봄 선생님도 바꿀 수 있어요?", ("선생",)), _as_asked("에너지바우처 카드 재발급요", ("카드", "재발급"))
    ('선생님', '카드 재발급요')
    >>> _as_asked("x", ("카드",))
    '카드'
    """
    start = re.search(rf"(?<!\w){re.escape(compound[0])}", query)
    if start is None:
        return " ".join(compound)
    last = query.find(compound[-1], start.start())
    end = (last if last >= 0 else start.start()) + len(compound[-1])
    tail = re.match(r"[\w·]+", query[end:])
    word = query[start.start():end] + (tail.group() if tail else "")
    bare = _CLOSING_PARTICLE.sub("", word)
    return bare if len(bare) >= 2 else word


#: Where a Korean question goes on past what it asks first: a comma, a sentence's end, or a connective ending
#: (…인데요, …는데, …지만): a question of one such part asks one thing (:meth:`AnswerComposer._unsaid_of_named`)
_MORE_SAID = re.compile(r"[,.!?\n]\s*\S|(?:인데|는데|은데|지만|고서|어서|아서|해서)(?:요)?[\s,]")


#: how many of the first hits are looked through for a service related to a missing benefit (:func:`related_to_missing`)
RELATED_TO_MISSING_TOP = 5


def related_to_missing(name: str, title: str) -> bool:
    """Whether a service titled ``title`` may be shown as related to the benefit ``name`` the documents lack: the title
    shares two character bigrams (one, when that is all it has) with what the name is for, its group words and
    generic words left out
    (:data:`_NAME_GROUP_WORDS`, :data:`_NAME_GENERIC_WORDS`). A name of nothing else ("장애인 지원") relates to any.

    s43 probe: "장애인 활동지원 받고 싶어요" and "기초생활수급자 …" were told the benefit is missing and then given
    산림복지서비스이용권 (its 지원대상 lists 장애인 and 기초생활수급자) as "a related service": a forest voucher for
    someone who asked for daily-living assistance.

    >>> related_to_missing("장애인활동지원", "산림복지서비스이용권(바우처) 지급"), related_to_missing("국민임대주택", "기존주택 전세임대주택 지원사업")
    (False, True)
    >>> related_to_missing("청년도약계좌", "청년주택드림 청약통장"), related_to_missing("국민임대주택", "국민임대 주택 입주")
    (False, True)
    >>> related_to_missing("소상공인 지원금", "자산형성지원사업(청년내일저축계좌)"), related_to_missing("실업급여", "의료급여")
    (False, False)
    >>> related_to_missing("기초연금", "기초생활보장지원"), related_to_missing("국민취업지원제도", "조기재취업수당")
    (False, True)
    """
    core = re.sub(r"\s+", "", name)
    for word in _NAME_GENERIC_WORDS:
        core = core.replace(word, " ")
    purpose = core
    for word in _NAME_GROUP_WORDS:
        purpose = purpose.replace(word, " ")
    # a name of a group and nothing else ("소상공인 지원금") is for that group
    wanted = {w[i:i + 2] for w in (purpose if purpose.strip() else core).split() for i in range(len(w) - 1)}
    if not wanted:
        return True
    squeezed = re.sub(r"\s+", "", title)
    # two shared bigrams at least (one when that is all the purpose has): 기초연금 shares only 기초 with 기초생활보장지원
    return sum(b in squeezed for b in wanted) >= min(2, len(wanted))


#: What may follow a benefit's name in a title that is that benefit's ("아이돌봄서비스", "청년월세지원사업")
_NAME_TAILS = ("지원금", "지원사업", "지원", "지급", "사업", "서비스", "제도", "신청", "안내", "바우처", "급여", "수당")


def holds_name(title: str, name: str) -> bool:
    """Whether ``title`` (spaces removed) holds the benefit ``name`` as that benefit's title: the name followed by
    nothing, a character that is not Hangul, or a generic tail (:data:`_NAME_TAILS`), not by more of another name
    ("아동수당플러스지원" is 성남시's top-up, not 아동수당; "기초연금수급자교통비" is not 기초연금). s44 probe: "아동수당
    얼마에요" asked for a region among the '수당' programmes, 아동수당 being held by 아동수당플러스's title.

    >>> holds_name("아이돌봄서비스", "아이돌봄"), holds_name("안양청년월세지원", "청년월세"), holds_name("아동수당플러스지원", "아동수당")
    (True, True, False)
    >>> holds_name("유아학비(누리과정)지원", "유아학비"), holds_name("기초연금수급자교통비지원", "기초연금")
    (True, False)
    """
    start = title.find(name)
    while start >= 0:
        rest = title[start + len(name):]
        if not rest or not _HANGUL.match(rest[0]) or rest.startswith(_NAME_TAILS):
            return True
        start = title.find(name, start + 1)
    return False


def unknown_account_or_scheme(query: str, titles: Iterable[str]) -> str | None:
    """The first word of ``query`` that names a savings account, a scheme or a benefit (:data:`_ACCOUNT_OR_SCHEME`: at least
    three syllables before 계좌, 통장, 제도, 적금, 카드 or 이용권: "국민내일배움카드", not "교통카드"; "첫만남이용권", s48
    probe: "아이 첫만남이용권 얼마예요?" got "찾지 못했어요"; at least two before 기본소득: "청년기본소득") that no title
    holds (``titles``: spaces removed), else None.

    The glossary names only the benefits it lists (:meth:`~assistant.knowledge.glossary.Glossary.named_service`), and
    these names end unlike a benefit (연금, 수당, 급여 …), so "청년도약계좌 금리 얼마예요?" was answered with
    청년주택드림 청약통장 as if it were the account asked about (s36 probe). A general phrase is no name: a stem that is
    a two-syllable word and 지원 ("출산지원제도") is left alone.

    >>> titles = ["자산형성지원사업(청년내일저축계좌)", "청년주택드림청약통장"]
    >>> unknown_account_or_scheme("청년도약계좌 금리 얼마예요?", titles), unknown_account_or_scheme("국민취업지원제도는요?", titles)
    ('청년도약계좌', '국민취업지원제도')
    >>> unknown_account_or_scheme("청년내일저축계좌 알려줘", titles), unknown_account_or_scheme("출산 지원제도 알려줘", titles)
    (None, None)
    >>> unknown_account_or_scheme("청년주택드림 청약통장", titles), unknown_account_or_scheme("출산지원제도 있나요", titles)
    (None, None)
    >>> unknown_account_or_scheme("국민 취업 지원 제도 신청 방법", titles), unknown_account_or_scheme("내 청년 도약 계좌", titles)
    ('국민취업지원제도', '청년도약계좌')
    >>> unknown_account_or_scheme("청년 내일 저축 계좌", titles), unknown_account_or_scheme("청년주택드림 청약 통장", titles)
    (None, None)
    >>> unknown_account_or_scheme("아이 첫만남이용권 얼마예요?", titles), unknown_account_or_scheme("문화이용권", titles)
    ('첫만남이용권', None)
    >>> unknown_account_or_scheme("지원금이 월급 통장에 들어오나요", titles)
    >>> unknown_account_or_scheme("엄마가 돌아가셨는데 은행 계좌를 몰라요", titles)
    >>> unknown_account_or_scheme("청년 기본소득 월 100만원 신청하려면요?", titles), unknown_account_or_scheme("기본소득 받을 수 있나요", titles)
    ('청년기본소득', None)
    >>> unknown_account_or_scheme("출생기본소득 신청", ["담양군출생기본소득지원"]), unknown_account_or_scheme("교통카드 충전", titles)
    (None, None)
    >>> unknown_account_or_scheme("산림복지 이용권 신청", ["산림복지서비스이용권(바우처)지급"])

    A benefit's name written as one word (:data:`_ONE_WORD_BENEFIT_ENDS`) needs two syllables before its ending; a loan,
    a mutual-aid scheme or a package (대출, 공제, 패키지) three, as a scheme's:

    >>> unknown_account_or_scheme("대학생 국가장학금 신청 기간이 언제예요", ["도내대학생장학금지원(주거비)"])
    '국가장학금'
    >>> unknown_account_or_scheme("구직촉진수당 받을 수 있어요?", titles), unknown_account_or_scheme("디딤돌대출 금리", titles)
    ('구직촉진수당', '디딤돌대출')
    >>> unknown_account_or_scheme("출산장려금 얼마예요", ["양평군출산장려금지원"]), unknown_account_or_scheme("창업패키지", titles)
    (None, None)
    >>> [unknown_account_or_scheme(q, titles) for q in ("이번달 급여 언제 들어와요", "우리 엄마 연금 얼마예요", "장학금 있어요?")]
    [None, None, None]
    """
    held = list(titles)
    words = re.findall(r"[가-힣]+", query)
    for i in range(len(words)):
        # the word alone, then joined to up to three words before it: a name written with spaces ("국민 취업 지원
        # 제도", s36 second probe) is read as written together; the shortest join that is a name is the name asked
        names = []
        for start in range(i, max(-1, i - 4), -1):
            if start < i and (words[start][-1] in _PARTICLE_ENDS or _VERB_ENDS.search(words[start])):
                # a word with its particle or a verb's ending ends the name ("지원금이 월급 통장에" names no
                # 지원금이월급통장; s38 probe: "돌아가셨는데 은행 계좌를" was named '돌아가셨는데은행계좌')
                break
            m = _ACCOUNT_OR_SCHEME.fullmatch("".join(words[start:i + 1]))
            if m is None:
                continue
            stem, end = m.groups()
            if end in _ONE_WORD_BENEFIT_ENDS and start < i:
                continue
            if len(stem) < 3 and end not in _SHORT_STEM_ENDS | _ONE_WORD_BENEFIT_ENDS:
                continue
            if stem.endswith("지원") and len(stem) - 2 < 3:
                continue
            names.append((stem, end))
        # a title holding the stem and, after it, the ending names it too ("산림복지 이용권" is 산림복지서비스이용권(바우처)
        # 지급, s51 probe: "'산림복지이용권' 서비스는 제가 가진 자료에 없어요")
        if names and not any(stem + end in t or (stem in t and end in t[t.index(stem) + len(stem):])
                             for stem, end in names for t in held):
            return "".join(names[0])
    return None


def _named(doc: DocInfo, lang: str) -> str:
    """How an answer names the page it quotes: "title — agency" in English, "title (agency)" in Korean."""
    if lang == "en":
        return f"{doc.title} — {doc.agency}" if doc.agency else doc.title
    return f"{doc.title}" + (f" ({doc.agency})" if doc.agency else "")


def _source_line(doc: DocInfo, lang: str) -> str:
    """The answer's last line: the page's address and when it was last updated."""
    updated = f" ({'updated' if lang == 'en' else '최종 수정'} {doc.updated_at})" if doc.updated_at else ""
    return f"\n{'Source' if lang == 'en' else '출처'}: {doc.url}{updated}"


def _key(section: str) -> str:
    return section.split(">")[-1].replace(" ", "").lower()


#: An eligibility question ("Can I get …?", "…받을 수 있나요?", "Am I eligible …"): the answer states who is eligible
#: first, whatever else the words cue ("get" alone cues the benefit, "받" alone is no question).
_ELIGIBILITY_QUESTION = re.compile(
    r"\b(?:can|could|may|do|does|would|will|am|are|is)\s+(?:i|we|my\s+\w+|our\s+\w+|he|she|they)\s+"
    r"(?:still\s+|also\s+)?(?:get|receive|claim|qualify|be\s+eligible|be\s+entitled)\b"
    r"|\b(?:eligible|eligibility|entitled|qualif(?:y|ies|ied))\b"
    r"|받\s*을\s*수\s*(?:있|없)|받\s*을\s*자격|해당\s*(?:되|하|돼)|대상\s*(?:인가|이\s*되|이\s*돼|이에요|일까|인지|이\s*맞)"
    r"|자격\s*이?\s*(?:되|돼|있)",
    re.IGNORECASE)


def is_eligibility_question(query: str) -> bool:
    """Whether ``query`` asks whether someone can get a service (its answer leads with who is eligible).

    >>> is_eligibility_question("Can I get the energy voucher?"), is_eligibility_question("에너지바우처 받을 수 있나요?")
    (True, True)
    >>> is_eligibility_question("How much is the energy voucher?"), is_eligibility_question("에너지바우처 금액")
    (False, False)
    """
    return _ELIGIBILITY_QUESTION.search(query) is not None


#: "When" asked of the help itself, not of applying: "언제 할인돼요?", "언제 받아요?", "When do I get the money?" (s39
#: probe: "언제 할인돼요? 주말도되나요" after the rail discount got 신청 방법; the days are in 지원 내용).
_WHEN_BENEFIT = re.compile(r"언제\s*(?:부터|쯤|쯤에)?\s*(?:할인|지급|입금|나와|나오|들어와|들어오|받|쓸|써|사용|이용|적용|돼|되)"
                           r"|\bwhen\b(?:\s+\w+){0,4}?\s+(?:get|receive|paid|use|discount\w*|valid|arrive|apply\s+to)\b")


def _asked_aspects(terms: tuple[str, ...], query: str) -> list[str]:
    """The aspects the question itself names (its cue words, :data:`_ASPECT_CUES`, or an eligibility question), in
    the cues' order; empty for a question that names none ("에너지바우처 알려줘"). "When" asked of the help itself
    (:data:`_WHEN_BENEFIT`) is about what one gets, not about applying."""
    q = query.lower()
    if _WHEN_BENEFIT.search(q):
        q = _WHEN_BENEFIT.sub(" 혜택 ", q)
        terms = tuple(t for t in terms if t not in ("언제", "when"))
    if _INQUIRING.search(q):  # "에너지바우처 문의드려요": a question about it is coming, not one for its contact
        q = _INQUIRING.sub(" ", q)
        terms = tuple(t for t in terms if t != "문의")
    if "준비금" in q:  # a grant's name (창작준비금, s42 probe: [구비 서류] alone), not 준비 (documents)
        q = q.replace("준비금", " 금 ")
        terms = tuple(t for t in terms if t != "준비")
    amount = _HOW_MUCH.search(q) is not None
    if amount:  # "How much do I get?" asks what is given: not how to apply ("how") nor who can ("do I get")
        q = _HOW_MUCH.sub(" amount ", q)
        terms = tuple(t for t in terms if t != "how")
    found = [a for a, cues in _ASPECT_CUES.items() if any(c in terms or (len(c) > 1 and c in q) for c in cues)]
    if is_eligibility_question(query) and "eligibility" not in found and not amount:
        found.append("eligibility")
    return found


def _aspects(terms: tuple[str, ...], query: str) -> list[str]:
    found = _asked_aspects(terms, query)
    if not found:
        return ["overview", "eligibility", "benefit", "apply"]
    if "period" in found:
        # the period is asked about applying; a document without a 신청기한 field states it under how to apply
        found = [a for a in found if a != "apply"] + ["apply"]
    order = ["period", "eligibility", "benefit", "apply", "documents", "contact"]
    found = sorted(set(found), key=order.index)
    if found == ["eligibility"]:
        found.append("apply")
    return found[:3]


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    if cut < limit // 2:
        cut = limit
    return text[:cut].rstrip() + " …"


# --- regional variants of one programme ------------------------------------------------------------------------
# Agency names and places are parsed by assistant.regions (one reading for the composer, the dialogue and the
# eligibility connector); the names below stay importable from here.
_LOCAL_SUFFIXES = LOCAL_SUFFIXES
_PROVINCES = tuple(sorted(PROVINCE_STEMS))
_region_names = region_names
#: how far below the top document a variant may rank and still count (share of the top score, among the top 5)
VARIANT_SCORE_SHARE = 0.7
VARIANT_TOP = 5
#: How far down the hits the first hit's programme is looked for under its name in other regions
#: (:func:`first_programme_further`): the retriever's ten
FURTHER_TOP = 10
#: How well a national service about the question's subject must score, as a share of a regional first hit whose title
#: holds less of it, to answer before it (:meth:`AnswerComposer._national_on_subject`; s34: 0.66 for 임신·출산 진료비).
NATIONAL_SUBJECT_SHARE = 0.5
#: How well another national service must score, as a share of the first hit, to be listed after the answer as one
#: that answers the same kind-of-help question (:meth:`AnswerComposer.related_services`; s37: 에너지바우처 scored 0.60
#: of 연탄쿠폰 for "난방비 지원 있나요?").
RELATED_SHARE = 0.55


def _same_programme(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and short in long_


#: Said once, above the quotes, when an English answer quotes Korean text (the catalogue is in Korean only).
KOREAN_QUOTE_NOTE = "The official service catalogue has this service in Korean only, so the parts below are quoted in Korean."
_HANGUL = re.compile(r"[가-힣]")


_LATIN_WORD = re.compile(r"[A-Za-z]")


def in_script(term: str, language: str) -> bool:
    """Whether a lexical term is written in ``language``'s script ("ko": it has Hangul; "en": Latin letters and no
    Hangul): the question's words a document in that language can hold as written, whatever the question's language.

    Example:
        >>> in_script("월세", "ko"), in_script("월세", "en"), in_script("rent", "en"), in_script("2026", "ko")
        (True, False, True, False)
    """
    if _HANGUL.search(term):
        return language == "ko"
    return language == "en" and bool(_LATIN_WORD.search(term))


def quoted_in_korean(quotes: Iterable[str]) -> bool:
    """Whether any of an answer's quoted excerpts is written in Korean (has Hangul): then an English answer says so
    once, in English, above them (:data:`KOREAN_QUOTE_NOTE`; fresh-user s8: English headings over Korean text)."""
    return any(_HANGUL.search(q) for q in quotes)


def missing_variant_text(lang: str, programme: str, region: str, others: str, named: bool) -> str:
    """The sentence before the list of other regions' variants when none is the citizen's ``region``.

    ``named``: the question named the programme ("청년 월세 지원 있나요?"): the documents have it only as run by
    ``others``, and say nothing of one in ``region`` (never that ``region`` runs one: the documents cannot tell).
    Otherwise the question asked about a kind of help ("임산부 지원 뭐 있어요?") and its best documents are other
    regions' programmes: the answer says that nothing for ``region`` was found and that these are other regions'.
    """
    if named:
        return (f"My documents have '{programme}' only as run by {others}; they have nothing on one in {region}. "
                "These are the ones they have:" if lang == "en"
                else f"제가 가진 자료에는 '{programme}'{particle_after(programme, '을/를')} {others}에서 운영하는 것만 있고, {region}에서 운영하는 것은 "
                     "없어요. 자료에 있는 서비스예요:")
    return (f"I found nothing on this for {region} in my documents. Related services run by other regions "
            "(often only for their own residents):" if lang == "en"
            else f"제가 가진 자료에서 {region}의 관련 서비스는 찾지 못했어요. 다른 지역에서 운영하는 관련 서비스예요"
                 "(그 지역 주민만 받을 수 있는 경우가 많아요):")


def inside_region_text(lang: str, programme: str, region: str, run_by: str) -> str:
    """The sentence before a programme of ``run_by`` (시·군·구 inside the 시·도 ``region`` the citizen named, without
    their own 시·군·구): it is for that 시·군·구's residents, and the documents have none elsewhere in ``region``."""
    if lang == "en":
        return (f"In {region}, my documents have '{programme}' only as run by {run_by}, for its own residents. "
                f"If you live there, this is it; I have nothing on one elsewhere in {region}.")
    return (f"{region}에서는 {run_by}에서 운영하는 '{programme}'{particle_after(programme, '이/가')} 있어요. 그곳 주민이 "
            f"대상이니, 그곳에 사시면 아래 안내를 확인하세요. {region}의 다른 시·군·구에서 운영하는 것은 제가 가진 자료에 없어요.")


def none_in_region_text(lang: str, programme: str, region: str) -> str:
    """The sentence before a national service answering a citizen of ``region`` whose region runs none of the
    documents' versions of ``programme`` (the kind of help asked about: "출산", "청년 월세 지원"): it names the
    place and says that what follows is national, never that ``region`` has no such programme at all (the documents
    cannot tell)."""
    if lang == "en":
        return (f"I found no '{programme}' service run by {region} in my documents. "
                "This one is national (open to residents of every region):")
    return (f"제가 가진 자료에는 {region}에서 운영하는 '{programme}' 관련 서비스가 없어요. "
            "전국 어디에 살든 받을 수 있는 서비스를 안내해 드릴게요:")


def inside_then_national_text(lang: str, programme: str, region: str, run_by: str) -> str:
    """The sentence before a national service answering a citizen who named only their 시·도 (``region``) where
    only 시·군·구 of it (``run_by``) run a version of ``programme``, each for its own residents: they are named, the
    citizen is asked where in ``region`` they live, and what follows is national. Never "none in ``region``" (s45 probe:
    "부산 사는데 출산하면 뭐 받아요?" was told 부산광역시 runs no '출산' service, beside 강서구's and 수영구's)."""
    if lang == "en":
        return (f"In {region}, my documents have '{programme}' services run by {run_by}, each for its own residents: "
                "tell me your city, county or district to hear about yours. This one is national (open to residents "
                "of every region):")
    return (f"{region}에서는 {run_by}에서 그 지역 주민을 대상으로 '{programme}' 관련 서비스를 운영해요. 사시는 시·군·구를 "
            "알려 주시면 안내해 드릴게요. 전국 어디에 살든 받을 수 있는 서비스는 이거예요:")


def regional_variants(hits: tuple[DocHit, ...]) -> tuple[list[DocHit], list[DocHit]]:
    """The top document's programme as run by several local governments: ``(regional, national)`` hits among
    the top :data:`VARIANT_TOP` scoring at least :data:`VARIANT_SCORE_SHARE` of the top one, whose titles name
    the same programme (:func:`programme_core`). ``regional`` has one hit per region, best first; ``national`` are
    variants run by a ministry or a national body (the top document may be one). Both are empty unless at least
    two regions run the programme."""
    if not hits:
        return [], []
    top = hits[0]
    core = programme_core(top.doc.title, top.doc.agency)
    regional, national = _by_region(h for h in hits[:VARIANT_TOP] if h.score >= VARIANT_SCORE_SHARE * top.score
                                    and _same_programme(core, programme_core(h.doc.title, h.doc.agency)))
    return (regional, national) if len(regional) >= 2 else ([], [])


def _by_region(hits: Iterable[DocHit]) -> tuple[list[DocHit], list[DocHit]]:
    """``(regional, national)``: the first hit of each region, in order, and the hits of agencies that name no region."""
    regional: list[DocHit] = []
    national: list[DocHit] = []
    seen: set[tuple[str, ...]] = set()
    for h in hits:
        regions = agency_regions(h.doc.agency)
        if not regions:
            national.append(h)
        elif regions not in seen:
            seen.add(regions)
            regional.append(h)
    return regional, national


def _held_words(result: RetrievalResult) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The question's colloquial terms with the catalogue words a page must write to hold what they say: as the
    glossary writes them (:attr:`~assistant.knowledge.retriever.RetrievalResult.expansion_words`), not the pieces
    they were searched by; ``expansions`` for a result built without them."""
    return result.expansion_words or result.expansions


def regional_programme(hits: tuple[DocHit, ...], top: int = VARIANT_TOP, share: float = VARIANT_SCORE_SHARE,
                       kind: Callable[[DocHit, DocHit], bool] | None = None,
                       ) -> tuple[DocHit | None, list[DocHit], list[DocHit]]:
    """A programme run by several local governments among the strong hits: ``(anchor, regional, national)``.

    The strong hits are those among the first ``top`` that score at least ``share`` of the first one. Each strong hit in
    rank order is tried as the anchor: its programme's variants (:func:`programme_core`) among the strong hits, one per
    region, best first, and the national ones; the first anchor whose programme at least two regions run is returned
    (the anchor is the best-ranked hit of that programme). ``(None, [], [])`` when no strong hit's programme is run by
    two regions. Unlike :func:`regional_variants` (the top hit's programme only), a question whose top hit is another
    programme ("출산 지원" answered first with a national benefit, then three regions' 출산장려금) still finds the
    regional one.

    ``kind(anchor, hit)``: whether ``hit`` is the same kind of help as ``anchor`` although its title names the programme
    otherwise (출산지원금, 출산장려금 and 출산축하금 are each one 시·군·구's answer to "출산지원금 얼마 받아요?"; see
    :meth:`AnswerComposer.same_kind`); without it only titles that name the same programme count.
    """
    if not hits:
        return None, [], []
    strong = [h for h in hits[:top] if h.score >= share * hits[0].score]
    for anchor in strong:
        core = programme_core(anchor.doc.title, anchor.doc.agency)
        regional: list[DocHit] = []
        national: list[DocHit] = []
        seen: set[tuple[str, ...]] = set()
        for h in strong:
            if not (h is anchor or _same_programme(core, programme_core(h.doc.title, h.doc.agency))
                    or (kind is not None and kind(anchor, h))):
                continue
            regions = agency_regions(h.doc.agency)
            if not regions:
                national.append(h)
            elif regions not in seen:
                seen.add(regions)
                regional.append(h)
        if len(regional) >= 2:
            return anchor, regional, national
    return None, [], []


def first_programme_further(hits: tuple[DocHit, ...], top: int = FURTHER_TOP,
                            ) -> tuple[DocHit | None, list[DocHit], list[DocHit]]:
    """The first hit's programme under its one name (:func:`programme_core`) run by other regions further down the
    hits than :func:`regional_programme` looks (the first ``top``, whatever their score): ``(first, regional,
    national)`` as it returns them, or ``(None, [], [])`` when the first hit is no region's or no other region's page
    among them names its programme.

    s58 probe: "군대 가는데 지원금 있나요" (I'm going to the army, is there a grant) answered 경기도 양평군's 입영지원금
    지급 to a citizen who never said where they live: 구리시's 입영지원금 지원 was seventh (0.52 of 0.90), below
    national pages of other kinds (군 복무기간 이자면제) and other regions' 출산양육지원금 and 정착지원금."""
    if not hits or not agency_regions(hits[0].doc.agency):
        return None, [], []
    first = hits[0]
    core = programme_core(first.doc.title, first.doc.agency)
    # a core of two syllables too, said the same: 입영지원금 지급 and 구리시 입영지원금 지원 are both 입영
    regional, national = _by_region(h for h in hits[:top] if h is first or (other := programme_core(h.doc.title, h.doc.agency))
                                    == core or _same_programme(core, other))
    return (first, regional, national) if len(regional) >= 2 else (None, [], [])


def names_programme(result: RetrievalResult, hit: DocHit) -> bool:
    """Whether the question names ``hit``'s programme: its title without region and generic words
    (:func:`programme_core`: "서울런", "건강이음") is in the question, spaces and punctuation ignored (an English
    question: in its glossary translations)."""
    core = programme_core(hit.doc.title, hit.doc.agency)
    said = result.query + "".join(k for _p, korean in result.translations for k in korean)
    return len(core) >= 2 and core in re.sub(r"[\W_]+", "", said).lower()


def regional_spread(result: RetrievalResult, top: int = VARIANT_TOP, share: float = VARIANT_SCORE_SHARE,
                    ) -> tuple[DocHit | None, list[DocHit], list[DocHit]]:
    """Different local governments' programmes lead the strong hits of a question that names none of them:
    ``(first, regional, national)``, else ``(None, [], [])``.

    The kind of help no title names alike: "애 키우는데 지원금 있나요?" ranks 경상북도 성주군's 출산양육지원금, then
    부산광역시 영도구's and 강서구's 출산지원금 (the question's 키우 → 양육 is in the first title only, so
    :func:`regional_programme` groups nothing). The first hit is a local government's, the question does not name
    its programme (:func:`names_programme`: "건강이음 신청 방법" is 달성군's, asked by name), and the strong hits (the
    first ``top`` scoring at least ``share`` of the first) are at least two regions' programmes, and the question names
    no place (:func:`read_place`; where the retrieval read none, an English one: "We live in Incheon"): ``regional`` one hit
    per region, best first, ``national`` the strong hits of agencies that name no region."""
    hits = result.hits
    if not hits or not agency_regions(hits[0].doc.agency) or names_programme(result, hits[0]) \
            or read_place(result.query) is not None:  # a place the question names ("We live in Incheon …")
        return None, [], []
    regional, national = _by_region(h for h in hits[:top] if h.score >= share * hits[0].score)
    return (hits[0], regional, national) if len(regional) >= 2 else (None, [], [])


#: Words of a programme's title that say it is help, not what for (kin_programmes reads titles without them): also a
#: helper (도우미, 헬퍼) and the co-payment (본인부담금), which 산후조리도우미, 장애인 도우미 and 축산농가 헬퍼(도우미)
#: share, and many health programmes (s50 probe: "산후도우미 지원" asked a region among the three, under '도우미')
_HELP_WORDS = re.compile(r"지원금|지원|지급|사업|서비스|및|제공|운영|도우미|헬퍼|본인부담금")


def _off_places(compounds: Iterable[tuple[str, ...]], result: RetrievalResult) -> tuple[tuple[str, ...], ...]:
    """The topic compounds of a question but those whose every part is in a place it names (:func:`place_names`):
    "서울시 강남구" names where, not what."""
    places = place_names(result)
    return tuple(c for c in compounds if not all(any(part in n for n in places) for part in c))


#: Words that ask how to do something (:meth:`AnswerComposer._procedure_asked`): "전입신고 어떻게 해요", "여권 발급
#: 방법", "혼인신고 하는 법", "사망신고는 어디서 하나요", "등록 절차"
_HOW_TO_DO = re.compile(r"어떻게|방법|하는\s*법|어디서|어디에서|절차")

#: The last words of a civil filing (민원): reporting, registering, issuing, renewing, changing, cancelling
#: (전입신고, 이전등록, 여권 발급, 면허 갱신 …). A question of how to file one is about that filing; a page that names
#: it only among its conditions ("자동차 이전등록" in 조기폐차 지원's) is no answer to it (:meth:`AnswerComposer.run`).
_CIVIL_FILING = frozenset({"신고", "등록", "발급", "재발급", "갱신", "말소", "변경", "해지"})

#: What follows a civil filing's act (:data:`_CIVIL_FILING`) written as a status a page's conditions require, not as
#: something to do: 등록된, 발급된, 신고되어, 등록돼 (:meth:`AnswerComposer._speaks_of_filing`).
_DONE_STATUS = r"(?:된|되|됐|돼)"
#: Words that wish or have to do something (:meth:`AnswerComposer._filing_asked`): "발급 받고 싶어요", "혼인신고
#: 하려고요", "사업자등록 하려면", "재발급 받으려는데", "갱신할래요", "갱신해야 해요", "발급 받아야 하는데요"
_WISH_TO_DO = re.compile(r"(?:받|하)(?:고\s*싶|려|으려)|(?:할|받을)래|(?:해|받아)\s*야")


class _Said(Protocol):
    """What :meth:`AnswerComposer._filing_asked` reads of a question: its text and language (a
    :class:`~assistant.knowledge.retriever.RetrievalResult` has both)."""

    @property
    def query(self) -> str: ...

    @property
    def language(self) -> str: ...


@dataclass(frozen=True)
class _Text:
    """A question's text and language, not retrieved (:meth:`AnswerComposer.asks_filing`)."""

    query: str
    language: str


#: Words that name the kind of benefit a programme gives (money of its own kind: 지원금, 장려금, 축하금, 수당, 보조금)
#: rather than what it is for (:func:`_other_kind_of_benefit`).
_BENEFIT_KINDS = ("지원금", "장려금", "축하금", "수당", "보조금")


def _other_kind_of_benefit(asked: str, programme: str, title: str) -> bool:
    """Whether the question (``asked``: :func:`~assistant.knowledge.target_groups.asked_words`, with an English
    question's Korean words) asks for a kind of benefit (:data:`_BENEFIT_KINDS`) that the regions' ``programme``'s
    title names and ``title`` does not: "출산지원금 얼마 받을 수 있어요?" and "How much is the childbirth grant?" ask for
    the regions' 출산지원금, not for 건강보험 임신·출산 진료비 지원 (a medical voucher; tests/knowledge/
    test_regional_kind.py).

    >>> _other_kind_of_benefit("출산지원금얼마", "출산지원금 지원", "건강보험 임신·출산 진료비 지원")
    True
    >>> _other_kind_of_benefit("임신했는데받을수있는지원", "임신 축하용품 지원", "건강보험 임신·출산 진료비 지원")
    False
    """
    squashed = re.sub(r"\s+", "", title)
    return any(k in asked and k in programme and k not in squashed for k in _BENEFIT_KINDS)


def _said_as(thing: str, expansions: Iterable[tuple[str, tuple[str, ...]]]) -> list[str]:
    """``thing`` as the question says it and as each colloquial expansion of it says it (반려견: 반려견, 반려동물 …)."""
    return [thing, *(e for term, said in expansions if term == thing for e in said)]


def _names_filing(title: str, filing: tuple[str, ...], expansions: Iterable[tuple[str, tuple[str, ...]]]) -> bool:
    """Whether ``title`` names the civil filing ``filing`` (what is filed, then the act:
    :meth:`AnswerComposer._filing_asked`) as one word, what is filed as the question says it or as a colloquial
    expansion of it says it (반려견 등록: 반려동물등록).

    >>> _names_filing("반려동물등록 대행수수료 지급", ("반려견", "등록"), [("반려견", ("반려동물",))])
    True
    >>> _names_filing("결혼축하금 지원", ("혼인", "신고"), [])
    False
    """
    squashed = re.sub(r"\s+", "", title)
    thing, act = filing[-2], filing[-1]
    words = _said_as(thing, expansions)
    return any(w + act in squashed for w in words)


def kin_programmes(a: DocHit, b: DocHit) -> bool:
    """Whether two local programmes are the same kind of help: their titles, without their regions' names and the
    words that say it is help (:func:`~assistant.regions.programme_core`, :data:`_HELP_WORDS`), share a syllable
    bigram (출산양육지원금 and 출산지원금 share 출산; 입영지원금 and 출산지원금 nothing).

    >>> from types import SimpleNamespace as N
    >>> hit = lambda title, agency: N(doc=N(title=title, agency=agency))
    >>> kin_programmes(hit("출산양육지원금 지원", "경상북도 성주군"), hit("출산지원금 지원", "부산광역시 강서구"))
    True
    >>> kin_programmes(hit("구리시 입영지원금 지원", "경기도 구리시"), hit("용인시 출산지원금 지원", "경기도 용인시"))
    False
    >>> kin_programmes(hit("산후조리도우미 본인부담금 지원", "충청남도 논산시"), hit("장애인 도우미 지원", "경상남도"))
    False
    """
    def bigrams(h: DocHit) -> set[str]:
        core = _HELP_WORDS.sub(" ", programme_core(h.doc.title, h.doc.agency))
        return {w[i:i + 2] for w in core.split() for i in range(len(w) - 1)}
    return bool(bigrams(a) & bigrams(b))


def national_variants(hits: tuple[DocHit, ...], top: int = VARIANT_TOP) -> list[DocHit]:
    """The national versions (an agency with no region: a ministry, a national body) of the first hit's programme
    among the first ``top`` hits, when the first hit is a local government's: cited after it. With the citizen's
    region known, the other regions' variants rank lower (the retriever's region preference), so no two regions make
    the programme regional here, yet the national programme of the same name still concerns the citizen (안양's 청년
    월세 지원, then the ministry's)."""
    if not hits or not agency_regions(hits[0].doc.agency):
        return []
    core = programme_core(hits[0].doc.title, hits[0].doc.agency)
    return [h for h in hits[1:top] if not agency_regions(h.doc.agency)
            and _same_programme(core, programme_core(h.doc.title, h.doc.agency))]


def covered_terms(result: RetrievalResult, doc_terms: frozenset[str]) -> set[str]:
    """The question's terms (every word said, place words included: :attr:`RetrievalResult.said_terms`) a document
    holds: as written, an English word in another form of it (:func:`~assistant.knowledge.stems.same_stem`: "renew"
    by a page that says "renewal"), or (a colloquial word or each word of a colloquial phrase,
    :attr:`RetrievalResult.expansions`) as one of the catalogue's terms for it ("낳" is covered by a document that says
    출산, 말 and 늦 of "말이 늦어요" by one that says 언어발달)."""
    covered = {t for t in set(result.said_terms or result.terms) if same_stem(t, doc_terms)}
    # a colloquial phrase's every word ("말 늦": 말, 늦) is covered by its catalogue term
    covered.update(w for term, catalogue in result.expansions if set(catalogue) & doc_terms for w in term.split())
    return covered


class AnswerComposer:
    """Builds grounded answers from a :class:`RetrievalResult`.

    Args:
        index: the loaded index (full section text of each document).
        tokenizer: for term overlap.
        threshold: minimum answerability (0..1) to answer; configuration
            (``ASSISTANT_ABSTAIN_THRESHOLD``).
        oos_threshold: an out_of_scope probability at or above this abstains.
    """

    def __init__(self, index: KnowledgeIndex, tokenizer: KoreanTokenizer, threshold: float = 0.5, oos_threshold: float = 0.5,
                 today: Clock = today_in_seoul) -> None:
        self.tokenizer = tokenizer
        #: the clock an application period (신청기한) is read against: a quoted period that has ended is said to be
        #: ended (:func:`~assistant.knowledge.periods.ended_note`)
        self.today = today
        self.threshold = threshold
        self.oos_threshold = oos_threshold
        #: the question's subject in service titles (regional versions of one kind of help)
        self.subjects = TitleSubjects()
        self._use_index(index)
        #: the gate of a question in any language without a gate of its own (Korean)
        self.gate = AnswerabilityGate.load()
        #: a gate per question language (:data:`GATE_FILES_BY_LANGUAGE`), fitted on that language's questions only, so
        #: that refitting one never moves another language's decisions
        self.gates: dict[str, AnswerabilityGate] = {lang: AnswerabilityGate.load(path) for lang, path in GATE_FILES_BY_LANGUAGE.items()}

    def _use_index(self, index: KnowledgeIndex) -> None:
        doc_chunks: dict[str, list[Chunk]] = {}
        for c in index.chunks:
            doc_chunks.setdefault(c.doc_id, []).append(c)
        self._doc_chunks = doc_chunks
        self._doc_terms: dict[str, frozenset[str]] = {}
        self._doc_text: dict[str, str] = {}
        self._overview_texts: dict[str, str] = {}  # doc_id → title and overview, squashed (offers_topic, related_services)
        self._overview_terms: dict[str, frozenset[str]] = {}  # doc_id → their content terms
        self._cards: frozenset[str] | None = None  # words ending 카드 in the documents (missing_service)
        self._titles = [re.sub(r"\s+", "", d.title) for d in index.docs.values()]
        self._titles_lower = tuple(t.lower() for t in self._titles)  # title_holds: as squeezed writes a word
        self._last_tokens: tuple[str, list[Token]] | None = None  # the last question and its analysis (_query_tokens)
        # the last question (text, language, places) and its topic compounds (_asked_compounds)
        self._last_compounds: tuple[tuple[str, str, tuple[Place, ...]], list[tuple[str, ...]]] | None = None
        self._last_missing: tuple[str, str | None] | None = None  # the last question and its missing benefit
        self._eligibility_places: dict[str, tuple[str, ...]] = {}  # _placed_apart: the place a national page is for
        self.index = index

    def _follow(self, result: RetrievalResult) -> None:
        """Quote from the index the result came from (the retriever reloads it after an import or a retraction)."""
        # forward only (versions are named by build time), so a slow query on the old index cannot switch back
        if result.index is not None and result.index is not self.index and result.index.version > self.index.version:
            self._use_index(result.index)

    def warm_up(self) -> None:
        """Read every document's content terms now (:meth:`_terms_of`, kept per index) rather than at the first question
        that cites it: each costs a Kiwi analysis of the whole document (s25: ~10 ms of a webhook turn on the
        catalogue until the document had been cited once; ~1,097 analyses at start instead)."""
        for doc_id in list(self.index.docs):
            self._terms_of(doc_id)

    def _terms_of(self, doc_id: str) -> frozenset[str]:
        """The content terms of a document for the answerability overlap: its title and every section except the
        list of papers to bring (:data:`OVERLAP_LEFT_OUT`)."""
        if doc_id not in self._doc_terms:
            doc = self.index.docs[doc_id]
            text = doc.title + "\n" + "\n".join(c.text for c in self._doc_chunks.get(doc_id, [])
                                                 if _key(c.section) not in OVERLAP_LEFT_OUT)
            self._doc_terms[doc_id] = frozenset(lexical_terms(self.tokenizer.tokenize(text)))
        return self._doc_terms[doc_id]

    def document_text(self, doc_id: str) -> str:
        """The document's title and sections but the papers to bring, lower-cased, without whitespace (what
        :func:`~assistant.knowledge.topic.holds_topic` reads); KeyError for a document not in the index."""
        return self._text_of(doc_id)

    def _text_of(self, doc_id: str) -> str:
        """The text :meth:`_terms_of` reads (title and sections but the papers to bring), lower-cased, without
        whitespace (:func:`~assistant.knowledge.topic.holds_topic`)."""
        if doc_id not in self._doc_text:
            self._doc_text[doc_id] = re.sub(r"\s+", "", self._written_text(doc_id)).lower()
        return self._doc_text[doc_id]

    def answerability(self, result: RetrievalResult, p_oos: float = 0.0) -> tuple[float, dict[str, float]]:
        """Probability (0..1) that the top document answers the query, and the signals behind it.

        The signals are combined by :class:`AnswerabilityGate` (logistic regression fitted on labelled
        questions by ``bench/fit_answerability_gate.py``): the question language's own gate (:meth:`gate_for`; English
        questions are ranked with their glossary translation mixed into the dense query, so their gate is fitted on
        English rows alone), else the Korean one.

        Signals: ``p_oos``; ``dense`` (top cosine); ``agree`` (1 when the top
        document is in both retrievers' top 5); ``overlap`` (share of the
        query's content terms in the top document, a colloquial term counting when
        one of its catalogue terms is there (:func:`covered_terms`); across languages a term in the
        document's script (:func:`in_script`: a Korean title in Hangul in an English question) counts as
        written and an English phrase by its glossary translation; -1 when neither kind is in the question,
        so terms cannot overlap); ``margin`` (fused score of the top document minus the best fused score of
        the other hits, before the rerank stage); ``translated`` (1 when a glossary translation, or an English
        question's words in the document's script, were the cross-language evidence); ``names_top`` (1 when an English phrase of the question names the top page by a
        glossary word in its title, :func:`names_top`). When the top page is the named place's and the place's words count
        (``result.said_terms``), it must also hold the question's topic (:func:`~assistant.knowledge.topic.holds_topic`),
        else the probability is 0 (signal ``topic`` 0).
        """
        if result.unmapped is not None:
            # the language map chose the first page (RetrieverConfig.language_map_scope "top"); whether the question
            # has an answer is judged on the retrieval without it, the one the gate was fitted on (s31: judged on the
            # mapped page, five more unanswerable English questions of the bundled corpus were answered)
            result = result.unmapped
        if not result.hits:
            return 0.0, {"p_oos": p_oos}
        self._follow(result)
        top = result.hits[0]
        terms = set(result.said_terms or result.terms)  # every word said, as the gate was fitted (place words too)
        told = self._told_event_terms(result.query, terms)
        terms -= told
        doc_terms = self._terms_of(top.doc.doc_id)
        twins = [d for d in top.alternates if d.language == result.language and d.doc_id in self.index.docs]
        if not terms:
            overlap = 0.0  # nothing in the question to ground an answer on
        elif result.language == top.doc.language:
            overlap = len(covered_terms(result, doc_terms) - told) / len(terms)
        elif result.translations or any(in_script(t, top.doc.language) for t in terms) or twins:
            # the question's words in the document's own script count as written ("Can I get the 청년 월세 지원?": an
            # English question naming a Korean title in Hangul), the others by their glossary translation, or as
            # written on the service's page in the question's language (a bundled English page of a Korean service,
            # DocHit.alternates: it is the page an English question is answered with, and a page of its own in that
            # language would be judged so; "renew his driving licence": its English page says "renewal")
            covered = covered_terms(result, doc_terms)
            for phrase, korean in result.translations:
                if set(korean) & doc_terms:
                    covered.update(phrase.split())
            for twin in twins:
                covered |= covered_terms(result, self._terms_of(twin.doc_id))
            overlap = len(terms & covered) / len(terms)
        else:
            overlap = -1.0  # cross-language without a translation: no lexical evidence either way
        # the lexical side as the gate was fitted on it (best BM25 chunk; see DocHit.gate_lexical)
        # the dense side as the gate was fitted on it (before the language map; see DocHit.gate_dense)
        top_dense = top.gate_dense if top.gate_dense is not None else top.dense
        dense_rank = top.gate_dense_rank if top.gate_dense_rank is not None else top.dense_rank
        agree = 1.0 if (0 < dense_rank <= 5 and 0 < top.gate_lexical_rank <= 5) else 0.0
        # the fusion stage's lead (what the gate was fitted on): unchanged when the rerank keeps the top document,
        # negative when the rerank lifted it past documents the fusion preferred
        margin = top.gate_fused - max((h.gate_fused for h in result.hits[1:]), default=0.0)
        # cross-language lexical evidence: a glossary translation, or (an English question) its own words in the
        # document's script ("Can I get the 청년 월세 지원?": a Korean title copied in Hangul is as good as a translated
        # one; s24, the refitted English gate weighs this signal more and abstained on it)
        in_doc_script = result.language == "en" and any(in_script(t, top.doc.language) for t in terms)
        translated = 1.0 if (result.language != top.doc.language and (result.translations or in_doc_script)) else 0.0
        # an English phrase of the question names the top page: one of its glossary words is in the page's title
        # ("have a baby" → 출산 in (창원시) 출산축하금, or in an English page's title that keeps the Korean name)
        glossary = default_glossary()
        named = result.language == "en" and names_top(
            ((phrase, glossary.terms.get(phrase, korean)) for phrase, korean in result.translations), top.doc.title)
        signals = {"p_oos": p_oos, "dense": top_dense, "agree": agree, "overlap": overlap, "margin": margin, "bm25": top.gate_lexical,
                   "translated": translated, "names_top": 1.0 if named else 0.0}
        if result.said_terms and not holds_topic(result.topic, doc_terms, self._text_of(top.doc.doc_id), _held_words(result),
                                                 result.topic_words):
            # the named place's page holds the place's words, not what is asked about: no answer, however many of the
            # question's words the place gives it ("서울시 강남구에서 주민등록등본 발급" on 서울시 난임부부 시술비 지원)
            signals["topic"] = 0.0
            return 0.0, signals
        return self.gate_for(result.language).probability(signals), signals

    def gate_for(self, language: str) -> AnswerabilityGate:
        """The answerability gate of a question in ``language`` (its own when fitted, else the Korean one)."""
        return self.gates.get(language, self.gate)

    def _sections(self, doc: DocInfo) -> dict[str, str]:
        """``doc``'s sections by name, in its order, each whole (:meth:`_whole_section`): an excerpt longer than a
        section's first chunk goes on into the next, and a cut one ends with "…" (s39 fresh-user probe: the English
        energy voucher's who-is-eligible list, asked for, stopped at its first chunk's end, "… disease …,", with no
        mark, single-parent and multi-child households left out)."""
        texts: dict[str, list[str]] = {}
        for c in self._doc_chunks.get(doc.doc_id, []):  # one pass over the chunks: this is every answer's path
            if c.section != TITLE_SECTION:
                texts.setdefault(c.section, []).append(c.text)
        return {name: _joined_chunks(parts) for name, parts in texts.items()}

    def _pick_doc(self, result: RetrievalResult, hit: DocHit | None = None) -> DocInfo:
        """The document to quote among ``hit`` (default: the top hit) and its alternates (same service):
        one in the question's language first, then the catalogue's own record."""
        top = hit or result.hits[0]
        options = [top.doc, *top.alternates]
        return min(options, key=lambda d: (d.language != result.language, d.source != "gov24", options.index(d)))

    def age_rule_of(self, doc_id: str) -> AgeRule | BirthRule | None:
        """The age rule the eligibility section of ``doc_id``'s service states for the person it serves
        (:func:`~assistant.knowledge.age_rule.age_rule`, read on the service's Korean page: the catalogue's own
        wording), else its birth-date rule judged today (:func:`~assistant.knowledge.age_rule.birth_rule`: 65세 이상
        폐렴구균 serves "1961년 12월 31일 이전에 태어난 분"), or None (no such rule, or no such document)."""
        from assistant.knowledge.age_rule import age_rule, birth_rule

        doc = self.index.docs.get(doc_id)
        if doc is None:
            return None
        if doc.language != "ko":
            doc = next((d for d in self.index.docs.values() if d.language == "ko" and d.service_id
                        and d.service_id == doc.service_id), None)
            if doc is None:
                return None
        keys = set(ASPECT_SECTIONS["eligibility"])
        section = "\n".join(c.text for c in self._doc_chunks.get(doc.doc_id, []) if _key(c.section) in keys)
        return (age_rule(section) or birth_rule(section, self.today())) if section else None

    def lines_answer(self, doc_id: str, facts: Iterable[tuple[str, Iterable[str]]], lang: str,
                     whole_lists: int = 0, titled: Sequence[str] = ()) -> Answer | None:
        """The answer to a fact about the person said after ``doc_id``'s service was answered ("저희 한부모
        가정이에요", "청년인데 가능해요?", "I use LPG"): the lines of each of its sections that speak of one of the
        ``facts`` (``(the word said, its ways of being written, lower-cased without spaces)``:
        :func:`~assistant.knowledge.fact_lines.lines_about`, with what makes them readable), at most
        :data:`FACT_SECTIONS` sections in the page's order, under a sentence naming the words and before one that
        says these lines alone do not decide, then the source; each section quoted is cited (``whole_lists``: a short
        list is quoted whole, :func:`~assistant.knowledge.fact_lines.lines_about`). None when the document
        is not in the index or no line speaks of any of them (the caller answers as before). ``titled``: ways of
        writing the fact (lower case, no spaces) that, in another national service's title in the page's language,
        make it listed after the source, at most :data:`VARIANT_TOP` (a child's disability after 아이돌봄 서비스 →
        장애아가족 양육 지원, the service for it)."""
        from assistant.knowledge.fact_lines import lines_about, squeezed

        doc = self.index.docs.get(doc_id)
        if doc is None:
            return None
        stated = [(said, tuple(ways)) for said, ways in facts]
        words = [ways for _s, ways in stated]
        names = dict.fromkeys(c.section for c in self._doc_chunks.get(doc.doc_id, []) if c.section != TITLE_SECTION)
        parts = [(name, _excerpt(quoted, ASKED_EXCERPT_CHARS)) for name in names
                 if (quoted := lines_about(self._whole_section(doc, name), words, whole_lists))][:FACT_SECTIONS]
        if not parts:
            return None
        said = ", ".join(f"'{s}'" for s, _w in stated)
        if lang == "en":
            lines = [_named(doc, lang), f"What it says about {said}:"]
            if doc.language != "en" and quoted_in_korean(text for _n, text in parts):
                lines.append(KOREAN_QUOTE_NOTE)
        else:
            lines = [_named(doc, lang) + f" 안내에서 {said}에 관한 부분이에요."]
        sections = self._sections(doc)
        for name, text in parts:
            lines.append(f"\n[{name.split('>')[-1].strip()}]\n{text}")
            if note := self._ended(name, sections[name], text, lang):
                lines.append(note)
        lines.append("\n" + FACT_CAVEAT[lang if lang in FACT_CAVEAT else "ko"])
        lines.append(_source_line(doc, lang))
        citations = [Citation(doc.doc_id, doc.title, doc.agency, doc.url, name, doc.updated_at) for name, _t in parts]
        others = [d for d in self.index.docs.values() if titled and d.doc_id != doc.doc_id and d.language == doc.language
                  and not agency_regions(d.agency) and any(w in squeezed(d.title) for w in titled)][:VARIANT_TOP]
        if others:
            lines.append("\n[" + ("Related services" if lang == "en" else "함께 확인할 서비스") + "]")
            lines += [f"- {d.title} ({d.agency}): {d.url}" for d in others]
            citations += [self._cite(d) for d in others]
        return Answer("\n".join(lines), lang, tuple(citations), False, 1.0)

    def unmentioned_answer(self, doc_id: str, said: Iterable[str], lang: str) -> Answer | None:
        """The reply to a fact about the person, said after ``doc_id``'s service was answered, that its page does not
        speak of ("저 직장인인데 되나요?" after 에너지바우처): a sentence that says no condition about ``said`` (the
        words said) was found there, the page's whole eligibility section (who is eligible, up to
        :data:`ASKED_EXCERPT_CHARS`), the source; cited at that section. None when the document is not in the index
        or has no eligibility section."""
        doc = self.index.docs.get(doc_id)
        if doc is None:
            return None
        names = list(dict.fromkeys(c.section for c in self._doc_chunks.get(doc.doc_id, [])))
        name = next((n for key in ASPECT_SECTIONS["eligibility"] for n in names if _key(n) == key), None)
        if name is None:
            return None
        words = ", ".join(f"'{s}'" for s in said)
        if lang == "en":
            lines = [_named(doc, lang),
                     f"I found no condition about {words} in what it says. Who is eligible is below; the agency "
                     "decides whether you qualify."]
        else:
            lines = [_named(doc, lang) + f" 안내에서 {words}에 관한 조건은 따로 "
                     "찾지 못했어요. 받을 수 있는지는 아래 지원 대상을 확인하시고, 최종 판단은 담당 기관이 해요."]
        lines.append(f"\n[{name.split('>')[-1].strip()}]\n{_excerpt(self._whole_section(doc, name), ASKED_EXCERPT_CHARS)}")
        lines.append(_source_line(doc, lang))
        citation = Citation(doc.doc_id, doc.title, doc.agency, doc.url, name, doc.updated_at)
        return Answer("\n".join(lines), lang, (citation,), False, 1.0)

    def shut_out_child(self, doc_id: str, earlier_id: str) -> str | None:
        """The words by which ``doc_id``'s eligibility section shuts out the children ``earlier_id``'s service is for
        (:func:`~assistant.knowledge.target_groups.children_groups`, :func:`~assistant.knowledge.target_groups.
        excluded_group`: "비장애아동" for 언어발달지원 after 장애아가족 양육 지원), or None (either document not in the
        index, the earlier one for no group's children, or no such words)."""
        doc, earlier = self.index.docs.get(doc_id), self.index.docs.get(earlier_id)
        groups = children_groups(earlier.title) if earlier is not None else frozenset()
        if doc is None or not groups:
            return None
        return excluded_group(self._eligibility_text(doc), groups)

    def shut_out_note(self, doc_id: str, words: str, lang: str) -> str:
        """The sentence that ``doc_id``'s service was found and left out, its eligibility section shutting out the
        child asked about (``words``, :meth:`shut_out_child`); ``""`` for a document not in the index."""
        doc = self.index.docs.get(doc_id)
        if doc is None:
            return ""
        if lang == "en":
            return f"I also found {_named(doc, lang)}, but who is eligible says '{words}', so it is not for this child."
        return f"{_named(doc, lang)} 안내도 찾았지만, 지원 대상이 '{words}'{particle_after(words, '(이)')}라서 이 아이에게는 맞지 않아요."

    def elsewhere_note(self, doc_id: str, said: Iterable[str], lang: str) -> str:
        """The sentence before another page's answer to what ``doc_id``'s page, answered just before, does not speak
        of (``said``: the words said): that page has no condition about them, and what follows is a related service
        ("교육도 받아야 돼요?" after 운전면허 적성검사 간소화; s41 probe: 고령운전자 교통안전교육, for drivers of 65 and
        over, came with no word that the page answered says nothing of training). ``""`` when the document is not in
        the index."""
        return self._says_nothing(doc_id, said, lang, "A related service that does:", "관련된 다른 안내예요.")

    def silent_note(self, doc_id: str, said: Iterable[str], lang: str) -> str:
        """The sentence before ``doc_id``'s own answer to an aspect asked of a detail its page does not speak of
        (``said``: the words said; "보증금은 얼마까지 지원돼요?" after 전세임대): the page says nothing of them, what
        follows is what it does say, and the agency can tell the rest. ``""`` when the document is not in the index."""
        return self._says_nothing(doc_id, said, lang, "Here is what it does say; its contact can tell you more:",
                                  "안내에 나온 내용은 아래와 같고, 자세한 것은 문의처에 확인해 주세요.")

    def _says_nothing(self, doc_id: str, said: Iterable[str], lang: str, en_then: str, ko_then: str) -> str:
        """"'<title>' says nothing about '<word>', … " and ``en_then`` / ``ko_then`` after it; ``""`` for a document not
        in the index."""
        doc = self.index.docs.get(doc_id)
        if doc is None:
            return ""
        words = ", ".join(f"'{s}'" for s in said)
        if lang == "en":
            return f"'{doc.title}' says nothing about {words}. {en_then}"
        return f"'{doc.title}' 안내에는 {words}에 관한 내용이 없어요. {ko_then}"

    def _whole_section(self, doc: DocInfo, name: str) -> str:
        """Section ``name`` of ``doc`` whole (:func:`_joined_chunks` of its chunks in order): a fact's lines may be far
        down (전세임대's 지원 대상 is four chunks), and an excerpt may run past the first chunk."""
        return _joined_chunks([c.text for c in self._doc_chunks.get(doc.doc_id, []) if c.section == name])

    def title_holds(self, words: Iterable[str]) -> bool:
        """Whether a document title holds one of ``words`` (compared without spaces, lower-cased): "기차 할인은
        얼마예요?" after 에너지바우처 names another service (철도 공공할인), "보증금은 얼마까지 지원돼요?" names none."""
        keys = [re.sub(r"\s+", "", w).lower() for w in words]
        return any(k and k in t for k in keys for t in self._titles_lower)

    def missing_service(self, query: str) -> str | None:
        """:meth:`_missing_service`, kept for the last question asked: one answer reads it where it decides the lead
        and again where it writes the note (one tuple assigned at once: safe to read from another request's thread)."""
        last = self._last_missing
        if last is not None and last[0] == query:
            return last[1]
        name = self._missing_service(query)
        self._last_missing = (query, name)
        return name

    def _missing_service(self, query: str) -> str | None:
        """The benefit ``query`` names (by a glossary name, :meth:`Glossary.named_service`; else a named savings
        account or scheme, :func:`unknown_account_or_scheme`) that no document title of the index holds under that
        name or a synonym, or ``None``: the answer must then say so rather than present a related service as the one
        asked about ("실업급여 신청 방법" answered with 조기재취업수당; s36: "청년도약계좌 금리 얼마예요?" with
        청년주택드림 청약통장, "국민취업지원제도 알려줘" with 자활근로); a life event that implies a benefit counts as
        naming it (:func:`~assistant.knowledge.glossary.implied_benefit`: "회사에서 짤렸어요" → 실업급여, s42)."""
        named = default_glossary().named_service(query) or self._implied_alone(query)
        if named is None:
            name = unknown_account_or_scheme(query, self._titles) or group_support(query, self._titles)
            if name is not None and name.endswith("카드") and any(w.endswith(name) for w in self._described_cards()):
                return None  # a card a page describes (국민행복카드, how 임신·출산 진료비 is paid) is no missing service
            return name
        name, synonyms = named
        compact = re.sub(r"\s+", "", query)
        if any(len(t) >= 4 and t in compact for t in self._titles):
            return None  # a document's own title is named too ("실업급여받다가 취업했는데 조기재취업수당 …": s42 probe)
        return None if any(holds_name(t, n) for n in synonyms for t in self._titles) else name

    def _implied_alone(self, query: str) -> tuple[str, frozenset[str]] | None:
        """The benefit a life event told in ``query`` implies (:func:`~assistant.knowledge.glossary.implied_benefit_at`),
        or None, also when the rest of a Korean question names a kind of help a document title holds, beside the
        groups and the generic words (:data:`_NAME_GROUP_WORDS`, :data:`_NAME_GENERIC_WORDS`): what it asks for is
        that ("회사 그만두고 창업하려는데 지원 있어요?": 창업, never "'실업급여' is not in the documents" alone)."""
        found = implied_benefit_at(query)
        if found is None or self._asks_beside(query, found[2]):
            return None
        return found[0], found[1]

    def _asks_beside(self, query: str, span: tuple[int, int]) -> bool:
        """Whether ``query`` outside the character offsets ``span`` (a told event, :func:`implied_benefit_at`) names
        a kind of help a document title holds (:func:`_asked_nouns`, :meth:`title_holds`): 창업 in "회사 그만두고
        창업하려는데 지원 있어요?"; in English by the glossary's words for it (월세 for "I lost my job, is there help
        with rent?")."""
        start, end = span
        rest = query[:start] + " " + query[end:]
        # an English question's kinds of help by their glossary words ("help with rent": 월세; a Korean one has none)
        translated = [k for _phrase, korean in default_glossary().matches(rest[:2000]) for k in korean]
        return any(self.title_holds([w]) for w in _asked_nouns([*self.tokenizer.tokenize(rest[:2000]), *translated]))

    def _told_event_terms(self, query: str, terms: set[str]) -> set[str]:
        """The terms among ``terms`` of a life event ``query`` tells (:func:`~assistant.knowledge.glossary.told_event_at`:
        회사, 그만두) beside a kind of help it asks for (:meth:`_asks_beside`), or an empty set, also when they are all
        of ``terms``. They tell the citizen's circumstance, not what the answer must speak of: the gate's overlap
        leaves them out (s59 probe: "회사 그만두고 창업하려는데 지원 있어요?" abstained at overlap 0.5 where "창업하려는데
        지원 있어요?" is answered)."""
        span = self._told_beside(query)
        if span is None:
            return set()
        told = terms & set(lexical_terms(self.tokenizer.tokenize(query[span[0]:span[1]])))
        return told if terms - told else set()

    def _told_beside(self, query: str) -> tuple[int, int] | None:
        """Where ``query`` tells a life event (:func:`~assistant.knowledge.glossary.told_event_at`) when it asks for a
        kind of help beside it (:meth:`_asks_beside`), as character offsets; else None."""
        span = told_event_at(query)
        return span if span is not None and self._asks_beside(query, span) else None

    def without_told_event(self, query: str) -> str:
        """``query`` with the life event it tells beside a kind of help it asks for (:meth:`_told_event_terms`) made
        one space: the topics it asks about (:meth:`_asked_compounds`) are the help's, not the event's
        (s60 probe on the bundled corpus: "퇴사했는데 월세 지원 있나요" abstained, 퇴사 being unheld by the 월세 pages);
        ``query`` itself when it tells none."""
        span = self._told_beside(query)
        return query if span is None else query[:span[0]] + " " + query[span[1]:]

    @staticmethod
    def _missing_names(query: str, missing: str) -> frozenset[str]:
        """The names of the missing benefit ``missing`` that ``query`` names (its glossary synonyms: 실업급여 with
        구직급여), spaces removed; ``{missing}`` alone when the glossary gives none."""
        named = default_glossary().named_service(query) or implied_benefit(query)
        names = named[1] if named is not None and named[0] == missing else frozenset({missing})
        return frozenset(re.sub(r"\s+", "", n).lower() for n in names)

    def _described_cards(self) -> frozenset[str]:
        """Each run of Hangul up to a 카드 in the documents' text, spaces removed ("의료비를국민행복카드": a card's
        name ends it), read once per index from its chunks (a whole catalogue's texts are not kept for it)."""
        if self._cards is None:
            self._cards = frozenset(m for c in self.index.chunks for m in re.findall(r"[가-힣]*?카드", re.sub(r"\s+", "", c.text)))
        return self._cards

    def _cite(self, doc: DocInfo) -> Citation:
        """A citation of ``doc`` at its eligibility section (else its first section)."""
        sections = self._sections(doc)
        by_key = {_key(name): name for name in sections}
        name = next((by_key[k] for k in ASPECT_SECTIONS["eligibility"] if k in by_key), next(iter(sections), TITLE_SECTION))
        return Citation(doc.doc_id, doc.title, doc.agency, doc.url, name, doc.updated_at)

    def run(self, result: RetrievalResult, p_oos: float = 0.0, region: str | None = None,
            judged: RetrievalResult | None = None, wider_search: Callable[[], tuple[DocHit, ...]] | None = None,
            language: str | None = None, further_search: Callable[[], tuple[DocHit, ...]] | None = None) -> Answer:
        """Compose the answer for ``result``, or abstain (``text`` empty, ``abstained`` True).

        Args:
            result: the retrieval result.
            p_oos: the intent classifier's out_of_scope probability.
            region: where the citizen lives, as they or the conversation said it ("경기도 안양시", "안양"), or None
                (unknown). When the strong hits hold one programme run by several local governments
                (:func:`regional_programme`): with ``region`` (or a region the question itself names), the programme of that region is answered (its 시·군·구
                before its 시·도), the other matching and national variants are listed and cited after it, and
                when no variant is that region's the answer says so and lists the regions that run it; without
                it, the answer carries ``programme`` and ``regions`` so that the caller can ask first.
            judged: the retrieval whose top document the answerability gate judges, when not ``result``: the same
                question retrieved without the citizen's region (whether a question has an answer does not depend on
                where the citizen lives; the region's preference moves other regions' documents down, and with them
                the signals the gate was fitted on).
            wider_search: the same question retrieved among the citizen's region's documents and the national ones
                only (:meth:`~assistant.knowledge.retriever.HybridRetriever.region_and_national`), called only when
                the answer is for a region, other regions run the kind of help asked about and no hit is the region's:
                whether the region runs it, or else the nation, is then read from it before the answer says the region
                has none (the ranked hits can be all other regions' versions: "출산지원금 얼마 받을 수 있어요?" for
                대구광역시 수성구 ranks 건강보험 임신·출산 진료비 지원 44th, and for 부산광역시 수영구 its own 출산장려금
                지원 below five other regions').
            further_search: the same question's first :data:`FURTHER_TOP` hits without the region's preference,
                called only when the first hit (of ``judged`` when given) is a region's programme and no other region's
                version is among the first hits: whether another region runs it under its name further down
                (:func:`first_programme_further`).
            language: the language to answer in when not the question's (``ko`` / ``en``; a citizen who asked for the
                other language, "English please"): whether to answer is judged as the question was asked (its
                language's gate), then the answer is written as for a question in ``language``: that language's
                headings and sentences, and the page in that language where the service has one.
        """
        score, signals = self.answerability(judged or result, p_oos)
        if language in _HEADINGS and language != result.language:
            result = replace(result, language=language)
        lang = result.language if result.language in _HEADINGS else "ko"
        told = None  # the page about a life event the question tells, among its first hits
        if score < self.threshold or p_oos >= self.oos_threshold:
            judged_hits = (judged or result).hits[:TOLD_EVENT_TOP]
            told = next((h.doc.doc_id for h in judged_hits if self.about_told_event(judged or result, h)), None)
            if told is not None:
                score, signals = max(score, TOLD_EVENT_SCORE), {**signals, "event": 1.0}
            elif (told := self._filing_page(judged or result)) is not None:
                # the page about the civil filing the question asks to do, below pages its other words lifted, is
                # answered as a told event's page is
                score, signals = max(score, TOLD_EVENT_SCORE), {**signals, "filing": 1.0}
        if (asked_of := self._unsaid_of_named(judged or result)) is not None and told in (None, asked_of[0].doc.doc_id):
            # a service of the documents, named, asked only something its page never speaks of ("에너지바우처 카드
            # 잃어버렸어요": no word of a card; s57 probe: its page was quoted whole as if it answered, and "… 카드 재발급
            # 어떻게 해요" was asked to name a service): its page says nothing of it, and whom to ask does
            hit, unsaid = asked_of
            return self._compose(result, lang, score, {**signals, "unsaid": 1.0}, hit, [], unsaid=unsaid)
        # the intent classifier's out-of-scope reading does not refuse a told event the page is about: it has no
        # examples of life events told ("My father passed away last week. What should I do?": out_of_scope 0.60)
        if score < self.threshold or (p_oos >= self.oos_threshold and told is None):
            return Answer("", lang, (), True, score, signals)
        if told is None and self.papers_only(judged or result):
            # the question's topic is only a paper the first page asks for ("주민등록초본 떼고싶은데요": 경기도산후조리비's
            # 구비 서류 lists 주민등록초본; s40 probe): no page here is about it
            return Answer("", lang, (), True, score, {**signals, "papers_only": 1.0})
        if told is not None and result.hits and result.hits[0].doc.doc_id != told:
            # "어머니가 돌아가셨어요": 아이돌봄 서비스 (어머니) ranked above 안심상속, the page about the death told
            result = replace(result, hits=tuple(sorted(result.hits, key=lambda h: h.doc.doc_id != told)))
        if (missing := self.missing_service(result.query)) is not None:
            # a benefit the documents lack, named: a related service is shown after saying so only when its title is
            # about what the benefit is for (related_to_missing), a national service's overview names the benefit
            # (조기재취업수당's "실업급여(구직급여)를 받던 사람이 …"; a local perk for its recipients, 노인 이미용권 for
            # 기초연금's, is no such service), or its title or overview holds what else the question asks for
            # ("취준생인데 면접 볼 때 돈 주는 거": 면접; _need_beside), the first such leading; else the caller says it
            # is missing
            names = self._missing_names(result.query, missing)
            need = self._need_beside(result, missing)
            related = [h for h in result.hits[:RELATED_TO_MISSING_TOP] if related_to_missing(missing, h.doc.title)
                       or (not agency_regions(h.doc.agency) and any(n in self._overview_text(h.doc) for n in names))
                       or any(w in re.sub(r"\s+", "", h.doc.title).lower() or w in self._overview_text(h.doc) for w in need)]
            if not related:
                return Answer("", lang, (), True, score, {**signals, "missing": 1.0})
            # only the related services may follow "관련된 서비스를 안내해 드릴게요", the first leading (s49 probe:
            # "희망리턴패키지 폐업 지원" found 노란우산공제 희망장려금 related, yet 초기창업패키지, national, led)
            result = replace(result, hits=tuple(related))
        related_ids = {h.doc.doc_id for h in related} if missing is not None else None
        # a page that shuts out the group the citizen names does not lead (비장애아동), nor one for a stage of life the
        # question leaves unnamed (임신·출산 for 병원비); then the page for the group the citizen names leads
        shut = shuts_out(result, lambda h: self._eligibility_text(h.doc))
        said = self._said_things(result)

        verdicts: dict[str, bool] = {}  # one verdict a page: the rules below ask it of the same hits again

        def unfit(h: DocHit) -> bool:
            # or a page whose eligibility names what the citizen says of themselves only as whom it leaves out (s56
            # probe: "혼자 사는 노인인데 난방비 지원 있어요?" answered 과천시's 월동난방비, "(독거, 부부노인, 장애인세대)을
            # 제외한 일반세대"), or a national body's page for one place only that the citizen has not said they live
            # in (s57 probe: "전기세 지원" answered 한국중부발전's 전기요금지원 for 보령시 오천면 …). (``region`` may be set
            # below from the question's places, which _placed_apart reads first: the verdict does not change.)
            if (verdict := verdicts.get(h.doc.doc_id)) is None:
                eligibility = self._eligibility_text(h.doc)
                verdict = verdicts[h.doc.doc_id] = shut(h) or any(left_out(words, eligibility) for words in said) \
                    or self._placed_apart(result, region, h.doc)
            return verdict

        hits = not_excluding_first(result.hits, unfit)
        asked = asked_words(result)
        if (aged := [h for h in hits if other_age_of_life(h.doc.title, asked) is None]) != hits:
            # a page for another age of life than the one the question names is no answer to it ("혼자 사는 노인 돌봄
            # 서비스" answered with 아이돌봄 서비스, s51 probe, fourth on the catalogue, first on the bundled corpus);
            # when it is the first, the one the answerability was judged on, the documents lack what is asked (the
            # next ones were 에너지바우처 and 철도 경로 할인 on the bundled corpus)
            if not aged or aged[0] is not hits[0]:
                return Answer("", lang, (), True, score, {**signals, "age_of_life": 1.0})
            hits = aged
        if (filing := self._filing_asked(result)) is not None and len(filing) > 1 \
                and not self._speaks_of_filing(hits[0].doc, filing, result):
            # how to file a civil filing (이전등록) the first page never writes as one word, when the page never
            # speaks of that filing (장애인 등록 on 장애인법률구조지원's) or is not about what is filed (이전): the
            # documents lack it (s52 probe: "자동차 이전등록 방법 알려주세요" was answered with 조기폐차 지원, whose
            # conditions write 이전 and 등록 apart). "운전면허 갱신 방법" keeps 운전면허 적성검사 간소화 (its title names
            # 운전면허, its 지원내용 the 갱신); not any how-to question: "버스비 돌려준다는 거 어떻게 받아요?" is
            # answered by 청소년 교통비 지원, whose overview never writes 버스비
            return Answer("", lang, (), True, score, {**signals, "unheld": 1.0})
        result = replace(result, hits=tuple(group_first(unstaged_first(hits, result, unfit=unfit), result)))
        if (for_whom := self._for_whom(result, lang, score, signals, regions=missing is None)) is not None:
            return for_whom
        kind = self.subjects.same_kind(result)
        named_alike = self._holding_topic(result, regional_programme(result.hits))  # one programme under one name (청년 월세 지원 …)
        base = judged or result  # the ranking without the citizen's region
        if named_alike[0] is None and further_search is not None and (region or not result.places) and base.hits \
                and agency_regions(base.hits[0].doc.agency) and regional_spread(base)[0] is None:
            # the first, a region's, run under its name by another region further down (양평군's and 구리시's
            # 입영지원금): the region is asked first, as for a programme of two regions among the first hits, and the
            # citizen's region's version answers once it is known
            further = further_search()
            if further and further[0].doc.doc_id == base.hits[0].doc.doc_id:
                named_alike = first_programme_further(further)
        anchor, regional, national = named_alike if named_alike[0] is not None \
            else self._holding_topic(result, regional_programme(result.hits, kind=kind))
        # nor is a region's page unfit to lead listed for the citizen or asked among (s57 probe: "독거노인인데 난방비
        # 지원 받을 수 있어요?" listed 과천시's 월동난방비, given to those "(독거, 부부노인, 장애인세대)을 제외한")
        regional = [h for h in regional if h is anchor or not unfit(h)]
        first = result.hits[0]
        given = bool(region)
        named = ""  # the place the question names, kept by the caller when the conversation knew none
        if not region and result.places:
            region = named = " ".join(str(p) for p in result.places)  # the question names where ("대구 수성구 사는데 …")
        if region:
            unpreferred = (judged or result).hits[0].doc.doc_id if (judged or result).hits else None
            answer = self._for_region(result, lang, score, signals, region, anchor or first, kind, anchor is not None, given,
                                      wider_search, unpreferred)
            return replace(answer, region=named) if named and not answer.abstained else answer
        if (lead := self._national_beside(result, anchor, regional, national, unfit)) is not None:
            return self._compose(result, lang, score, signals, lead, self.related_services(result, lead), regional=regional)
        if anchor is None:
            spread, regional, national = regional_spread(result)
            regional = [h for h in regional if h is spread or not unfit(h)]
            if spread is None:
                same = national_variants(result.hits)
                if same:
                    # one region's version of a programme leads its national version and nobody said where they live:
                    # the national one is the answer, the region's listed after it for its residents (s33 probe: "난임
                    # 시술비 지원 받고 싶어요" answered 서울시's, for 서울 residents only, the ministry's only below it)
                    return self._compose(result, lang, score, signals, same[0], same[1:], regional=[first])
                lead, regional = self._national_on_subject(result)
                if lead is not None:
                    return self._compose(result, lang, score, signals, lead, [], regional=regional)
                if (fuller := self._fuller_national(result)) is not None:
                    return self._compose(result, lang, score, signals, fuller, [], regional=[first])
                if (fuller := self._fuller_page(result)) is not None:
                    return self._compose(result, lang, score, signals, fuller, self.related_services(result, fuller))
                return self._compose(result, lang, score, signals, first, self.related_services(result, first))
            # no title names the kind of help alike, yet several regions' programmes lead: never one region's as the
            # citizen's. A national one among them answers (the regions' listed after it, each for its residents),
            # else the caller asks where the citizen lives
            # (not one for people the question does not name: "치과 임플란트 노인 지원" answered 북한이탈주민 의료지원
            # among the regions' 의치보철 and 불소도포, s52 probe; ``asked`` is the question's, read above)
            if open_to_asked := [h for h in national if narrow_group(h.doc.title, asked) is None and not unfit(h)
                                 and self._holds_as_much(result, h, spread)]:
                return self._compose(result, lang, score, signals, open_to_asked[0], open_to_asked[1:], regional=regional)
            if (lead := self._national_beside(result, spread, regional, national, unfit)) is not None:
                return self._compose(result, lang, score, signals, lead, self.related_services(result, lead), regional=regional)
            if related_ids is not None and spread.doc.doc_id not in related_ids:
                return Answer("", lang, (), True, score, {**signals, "missing": 1.0})  # see below
            # the regions asked among run a programme of the kind the first does: their titles share a word of what
            # it is for (출산양육지원금 and 출산지원금), or their page speaks of a word the question asks in the first's
            # title (경기도산후조리비 of 출산). s49 probe: "다음달 입대하는데 지원금 있어요?" asked "'입영' 관련 서비스 …"
            # among 용인시's 출산지원금 and 음성군's 전입지원금 beside 구리시's 입영지원금. A programme the other regions'
            # are no kind of is answered as one region's (cited with its agency), as a lone one is
            subject = self.subjects.subject(result, spread.doc.title)
            alike = [h for h in regional if h is spread or (kin_programmes(spread, h)
                     or any(w in self._text_of(h.doc.doc_id) for w in subject)) and self._about_alike(result, h, spread)]
            if len(alike) == 1:
                return self._compose(result, lang, score, signals, spread, self.related_services(result, spread))
            settled = self._settle_choices(result, lang, score, signals, alike)
            if isinstance(settled, Answer):
                return settled
            regional = settled
            spread = spread if spread in regional else regional[0]
            programme = self.subjects.label(subject, spread.doc.title) or self._programme_name(result, spread, kind)
            answer = self._compose(result, lang, score, signals, spread, [])
            choices = tuple((" ".join(agency_regions(h.doc.agency)), self._cite(self._pick_doc(result, h))) for h in regional)
            return replace(answer, programme=programme, regions=choices)
        if named_alike[0] is None and not agency_regions(first.doc.agency) and (first is anchor or first in national):
            # a national service answers the question as well as the regions' versions of that kind of help: it is
            # the answer, and the regions' versions are listed after it, each with its place (for their own
            # residents). (A national version of one programme under one name, 국토교통부's 청년월세 before the
            # regions' 청년 월세 지원, still asks the region first, as before: the answer then cites it.)
            return self._compose(result, lang, score, signals, first, national[1:], regional=regional)
        if related_ids is not None and anchor.doc.doc_id not in related_ids:
            # a benefit the documents lack, named ("청년 기본소득 월 100만원 신청하려면요?", s43 probe): never the region
            # asked for another programme (청년 월세 지원) as if it were that benefit, unless that programme is related
            # to it (see related_to_missing above); the caller says it is missing
            return Answer("", lang, (), True, score, {**signals, "missing": 1.0})
        if named_alike[0] is None and (lead := self._national_version(
                result, anchor, [h for h in national if not unfit(h) and self._holds_as_much(result, h, anchor)
                                 and not self._unheld_topics(result, [h])], asked)) is not None:
            # a national version of the regions' kind of help that scores near the first answers it wherever the
            # citizen lives, the regions' listed after it for their residents (s54 probe: "임신했는데 받을 수 있는 지원
            # 뭐 있어요?" asked a region among 대구 서구's 엽산제·철분제 and 통영시's 임신 축하용품, 보건복지부's 건강보험
            # 임신·출산 진료비 지원 fourth at 0.87 of the first)
            return self._compose(result, lang, score, signals, lead, [h for h in national if h is not lead], regional=regional)
        # the regions' versions are about what the question asks as much as the anchor is (s56 probe: "폐업한 소상공인
        # 지원금" asked a region among 경상북도's 노란우산공제 희망장려금, for 소상공인 who closed, and 제주's 사회보험료 and
        # 영월군's 경영환경 개선, whose pages never speak of a 폐업)
        regional = [h for h in regional if h is anchor or self._about_alike(result, h, anchor)]
        settled = self._settle_choices(result, lang, score, signals, regional, [anchor, *national])
        if isinstance(settled, Answer):
            return settled
        anchor = settled[0] if anchor in regional and anchor not in settled else anchor  # a national anchor stays
        regional = settled
        programme = self._programme_name(result, anchor, kind)
        answer = self._compose(result, lang, score, signals, anchor, [])
        choices = tuple((" ".join(agency_regions(h.doc.agency)), self._cite(self._pick_doc(result, h))) for h in regional)
        return replace(answer, programme=programme, regions=choices)

    def _holds_as_much(self, result: RetrievalResult, hit: DocHit, model: DocHit) -> bool:
        """Whether ``hit``'s page holds as many of the question's topic compounds (:meth:`_what_compounds`,
        :meth:`_holds`) as ``model``'s: a service standing for or beside the regions' programme ``model`` must be about
        what the question asks as much as it is. As many, not the same ones: a long question's words are how the
        citizen put it as often as what they ask ("… 3배로 얹어준다는 통장 어떻게 가입해요?": 청년내일저축계좌 says
        계좌 and 가입, 전라남도's 청년 13(일+삶)통장 통장; both hold 저축).

        s56 probe: "폐업한 소상공인 지원금" answered 소상공인 무료법률구조 (소상공인; no word of 폐업) as the national version
        of 경상북도's 소상공인 노란우산공제 희망장려금, for 소상공인 who closed their business; "우리 애가 ADHD인데 치료비
        지원돼요?" (ADHD → 정신건강, 정신질환) 가정폭력피해자 치료회복 (치료비) beside 영암군's 정신질환 치료비."""
        compounds = self._what_compounds(result)

        def held(h: DocHit) -> int:
            return sum(self._holds(result, c, h.doc.doc_id) for c in compounds)

        return held(hit) >= held(model)

    def _said_things(self, result: RetrievalResult) -> list[tuple[str, ...]]:
        """Each word of the question's topic compounds (:meth:`_what_compounds`; 독거노인: 독거, 노인) of two syllables or
        more, with the words a page may write it by: as said, and its colloquial glossary words as written (혼자: 혼자,
        독거, 홀로, 1인가구)."""
        written = dict(_held_words(result))
        parts = dict.fromkeys(p for c in self._what_compounds(result) for p in c if len(p) >= 2)
        return [(p, *written.get(p, ())) for p in parts]

    def _what_compounds(self, result: RetrievalResult) -> list[tuple[str, ...]]:
        """The question's topic compounds (:meth:`_asked_compounds`) but those of a family member's words only (아이,
        자녀, 부모 …: whom it is for, which the pages say in many ways, not what is asked; s56: "아이 키우면 돈 나와요?"
        would ask among the regions' 출산 programmes whose overview writes 아이 only)."""
        from assistant.nlu.household import KIN_SEX, MEMBER_WHO

        return [c for c in self._asked_compounds(result) if not all(p in MEMBER_WHO or p in KIN_SEX for p in c)]

    def _about_alike(self, result: RetrievalResult, hit: DocHit, model: DocHit) -> bool:
        """Whether ``hit``'s page holds each topic compound of the question (:meth:`_what_compounds`) that ``model``'s
        title and overview hold (:meth:`_overview_holds`: what ``model`` is about), a compound of several words by all
        but its last (the head, often said otherwise: 다문화가정 where a page says 다문화가족): a region's programme asked
        among with ``model`` is about what the question asks as ``model`` is. s56 probe: "폐업한 소상공인 지원금" asked a
        region among 경상북도's 노란우산공제 희망장려금 (its overview: 폐업·노령·사망 등의 위험), 제주's 일자리창출 소상공인
        사회보험료 and 영월군's 소상공인 경영환경 개선, whose pages never speak of a 폐업. Words only the rest of ``model``'s
        page holds are how it is given, not what it is about ("어머니가 치매 진단 받았어요": 진단 in 치매치료관리비's
        conditions; 가평군's 치매환자 조호물품 is asked among with it)."""
        words = _held_words(result)
        return all(self._holds(result, c[:-1] if len(c) > 1 else c, hit.doc.doc_id)
                   for c in self._what_compounds(result) if self._overview_holds(model.doc, (c,), words))

    def _holding_topic(self, result: RetrievalResult, found: tuple[DocHit | None, list[DocHit], list[DocHit]],
                       ) -> tuple[DocHit | None, list[DocHit], list[DocHit]]:
        """``found`` (:func:`regional_programme`'s ``(anchor, regional, national)``), or ``(None, [], [])`` when the
        first hit holds all the question asks (:meth:`_unheld_topics` of it empty) and the regions' versions of the
        programme lack some of it: a programme below the first, one word of the question alike in its regions' titles,
        is no choice to ask among. s56 probe: "우리 애가 ADHD인데 치료비 지원돼요?" (ADHD → 정신건강, 정신질환) asked a
        region among 아산시's and 광명시's 아동 치과 치료비 (치료비), below 영암군's 정신질환 치료비 and beside
        세종특별자치시교육청's 학생정신건강 치료비."""
        anchor, regional, _national = found
        if anchor is None or not result.hits or anchor is result.hits[0]:
            return found
        if self._unheld_topics(result, regional) and not self._unheld_topics(result, result.hits[:1]):
            return None, [], []
        return found

    @staticmethod
    def _national_version(result: RetrievalResult, anchor: DocHit, national: Sequence[DocHit], asked: str) -> DocHit | None:
        """The first of ``national`` (national versions of the regions' kind of help, :func:`regional_programme`)
        among the first :data:`VARIANT_TOP` hits that scores :data:`STAGE_SCORE_SHARE` of the first hit or more and
        whose title names no stage or group the question leaves unnamed (:func:`unasked_stage`; ``asked``:
        :func:`asked_words`) nor lacks the kind of benefit the question asks for with the regions' ``anchor``
        (:func:`_other_kind_of_benefit`), or None."""
        if not result.hits:
            return None
        top, least = result.hits[:VARIANT_TOP], STAGE_SCORE_SHARE * result.hits[0].score
        return next((h for h in national if h in top and h.score >= least and unasked_stage(h.doc.title, asked) is None
                     and not _other_kind_of_benefit(asked, anchor.doc.title, h.doc.title)), None)

    def _asked_compounds(self, result: RetrievalResult) -> list[tuple[str, ...]]:
        """The topic compounds of a Korean question (:func:`~assistant.knowledge.topic.topic_compounds`) but those of
        its place words, family words and ages (:func:`~assistant.nlu.household.without_person_words`) and those of an
        aspect's cue words only (:data:`_ASPECT_CUES`: "치매 검사 무료예요?" asks what 치매 검사 costs, 무료 is no
        topic of its own): what it asks about, not whom for or what of it. Empty for another language.

        Kept for the last question asked (they depend on its text, language and places only): one answer reads them
        for each hit it weighs (:meth:`_holds_as_much`, :meth:`_about_alike`, :meth:`_said_things` …), each a Kiwi
        call before. A new list is returned each time."""
        key = (result.query[:2000], result.language, tuple(result.places))
        last = self._last_compounds
        if last is None or last[0] != key:
            last = (key, self._read_compounds(result))
            self._last_compounds = last  # one tuple assigned at once: safe to read from another request's thread
        return list(last[1])

    def _read_compounds(self, result: RetrievalResult) -> list[tuple[str, ...]]:
        """:meth:`_asked_compounds`, read."""
        from assistant.nlu.household import without_person_words

        if result.language != "ko":
            return []
        asked = without_person_words(self.without_told_event(result.query)[:2000])
        tokens = self._query_tokens(result.query) if asked == result.query[:2000] else self.tokenizer.tokenize(asked)
        compounds = [c for c in _off_places(topic_compounds(tokens), result) if not all(part in _CUE_WORDS for part in c)]
        # a narrow group said by its own name is a topic of its own where Kiwi reads it apart: 한부모 is 한 (a
        # determiner) + 부모, and 부모 is no topic (s56 probe: "한부모 가정 양육비 지원" answered 유아학비, whose page says
        # 부모 and 양육비)
        said = re.sub(r"[\W_]+", "", asked).lower()
        for group in NARROW_GROUPS:
            if group in said and not any(group in "".join(c) for c in compounds):
                compounds = [c for c in compounds if "".join(c) not in group] + [(group,)]
        return compounds

    def _holds(self, result: RetrievalResult, compound: tuple[str, ...], doc_id: str) -> bool:
        """Whether the document holds the question's topic ``compound`` (:func:`~assistant.knowledge.topic.holds_topic`
        on its text without the papers to bring)."""
        return holds_topic([compound], self._terms_of(doc_id), self._text_of(doc_id), _held_words(result))

    def _unheld_topics(self, result: RetrievalResult, hits: Sequence[DocHit]) -> list[str]:
        """What the question asks that none of ``hits`` (the regions' programmes it would be asked to choose among, and
        the national ones beside them) speaks of: a narrow group it names by the group's own name (a key of
        :data:`~assistant.knowledge.target_groups.NARROW_GROUPS`: 한부모, 외국인, 장애 …) that no page writes by any of the
        group's words, and a topic compound of it (:meth:`_asked_compounds`) that no page of ``hits`` holds while
        another of the question's hits does: what the citizen asks for, which the documents have elsewhere (a word no
        page holds, 형편 or 도움, is how the citizen put it, not what the choices lack). Empty when the choices hold
        all of it.

        s51 probe on the catalogue: "한부모 가족 아동양육비 얼마예요" asked a region among 소년·소녀가정 양육비,
        출산축하금 및 양육비 and 신생아 양육비 (none for single parents), "반려동물 중성화 지원 있나요" among
        반려동물등록 대행수수료 and 반려동물 전문인력 양성 (유기동물 입양비's page speaks of 중성화), "차상위계층 확인서
        어디서 떼요" among 차상위계층 국민건강보험료 and 쓰레기봉투: each shared one word of the question, none what
        it asked."""
        texts = [self._text_of(h.doc.doc_id) for h in hits]
        said = re.sub(r"[\W_]+", "", result.query).lower()
        unheld = [group for group, words in NARROW_GROUPS.items()
                  if group in said and not any(w in text for text in texts for w in words)]
        chosen = {h.doc.doc_id for h in hits}
        others = [h.doc.doc_id for h in result.hits if h.doc.doc_id not in chosen]
        unheld += ["".join(c) for c in self._asked_compounds(result)
                   if not any(self._holds(result, c, h.doc.doc_id) for h in hits)
                   and any(self._holds(result, c, d) for d in others)]
        # and a compound of several words that no hit holds whose head ``hits`` hold with other words, while a title of
        # the documents names it whole: the choices are about another kind of the thing asked (s58 note: "다자녀인데
        # 전기요금 할인 돼요?" asked a region among 영천시's 하수도요금 and 달성군's 휴양림 이용요금; 한국중부발전's
        # 전기요금지원 is a title here, below the first hits)
        unheld += [whole for c in self._asked_compounds(result) if len(c) > 1 and len(whole := "".join(c)) >= 3
                   and whole not in unheld and self.title_holds([whole])
                   and not any(self._holds(result, c, h.doc.doc_id) for h in result.hits)
                   and any(self._holds(result, c[-1:], h.doc.doc_id) for h in hits)]
        return unheld

    def _procedure_asked(self, result: RetrievalResult) -> tuple[str, ...] | None:
        """What a Korean question asks how to do (:data:`_HOW_TO_DO`: 어떻게, 방법, 하는 법, 어디서, 절차): the last topic
        compound said before those words (:func:`~assistant.knowledge.topic.topic_compounds`), or None (no such words,
        or nothing but generic words before them: "신청 방법" asks how to apply for what the rest names).

        >>> from assistant.nlu.tokenizer import KoreanTokenizer
        >>> c = AnswerComposer.__new__(AnswerComposer); c.tokenizer = KoreanTokenizer()
        >>> from types import SimpleNamespace as N
        >>> c._procedure_asked(N(language="ko", query="이사했는데 전입신고 어떻게 해요"))
        ('전입', '신고')
        >>> c._procedure_asked(N(language="ko", query="청년 월세 지원 받을 수 있나요")) is None
        True
        """
        if result.language != "ko" or (how := _HOW_TO_DO.search(result.query)) is None:
            return None
        before = topic_compounds(self.tokenizer.tokenize(result.query[:how.start()]))
        return before[-1] if before else None

    def _kin_by_more_than_age(self, result: RetrievalResult, regional: list[DocHit]) -> list[DocHit]:
        """``regional`` (the regions' programmes a region question would choose among), or those of them whose pages
        hold every topic compound the question asks besides the age of life it names (:data:`~assistant.knowledge.
        target_groups.AGES_OF_LIFE`) when the question's words in their titles are such ages only, and some do.

        s53 probe on the catalogue: "어르신 돌봄 서비스 있나요" asked a region "under '어르신'" among 홀몸 어르신 사랑의 음료
        지원, 어르신 생기발랄 (치매예방) and 어르신 대상 불소도포: services for old people alike, two never speaking of
        돌봄."""
        ages = {w for words in AGES_OF_LIFE.values() for w in words}
        titled = set().union(*(self.subjects.subject(result, h.doc.title) for h in regional)) if regional else set()
        if not titled or not titled <= ages:
            return regional
        topics = [c for c in self._asked_compounds(result) if "".join(c) not in ages]
        holding = [h for h in regional if all(self._holds(result, c, h.doc.doc_id) for c in topics)]
        return holding if topics and holding else regional

    def asks_filing(self, text: str, language: str) -> bool:
        """Whether ``text`` (in ``language``) asks how to do, or wishes or has to do, a civil filing
        (:meth:`_filing_asked`): "이사 왔는데 전입신고 해야 해요", "장애인 등록 어떻게 해요"; False for English."""
        return self._filing_asked(_Text(text, language)) is not None

    def _filing_asked(self, result: _Said) -> tuple[str, ...] | None:
        """The civil filing (:data:`_CIVIL_FILING`) a Korean question asks how to do (:data:`_HOW_TO_DO`) or wishes
        to do (:data:`_WISH_TO_DO`): the noun said before the act (what is filed) and the act, when the act is the
        last noun before those words; the act alone when no noun comes before it; else None. Unlike
        :meth:`_procedure_asked` it keeps what is filed when written apart ("장애인 등록 어떻게 해요": 장애인, 등록;
        topic compounds split them) and reads the words topic compounds leave out (발급).

        >>> from assistant.nlu.tokenizer import KoreanTokenizer
        >>> c = AnswerComposer.__new__(AnswerComposer); c.tokenizer = KoreanTokenizer()
        >>> from types import SimpleNamespace as N
        >>> c._filing_asked(N(language="ko", query="장애인 등록 어떻게 해요"))
        ('장애인', '등록')
        >>> c._filing_asked(N(language="ko", query="장애인 주차 표지 발급 받고 싶어요"))
        ('표지', '발급')
        >>> c._filing_asked(N(language="ko", query="청년 월세 지원 받고 싶어요")) is None
        True
        """
        if result.language != "ko":
            return None
        marks = [m for m in (_HOW_TO_DO.search(result.query), _WISH_TO_DO.search(result.query)) if m is not None]
        if not marks:
            return None
        tokens = self.tokenizer.tokenize(result.query[:min(m.start() for m in marks)])
        while tokens and not tokens[-1].tag.startswith("NN"):
            if tokens[-1].tag.startswith(("J", "XSV")):  # 출생신고는, 갱신하고: a particle or 하 after the act
                tokens.pop()
                continue
            return None
        if not tokens or tokens[-1].text not in _CIVIL_FILING:
            return None
        parts: list[str] = []
        glue = False  # the token read before (the next in the question) is a suffix: 등록 + 증
        for token in reversed(tokens):
            if token.tag not in ("NNG", "NNP", "XPN", "XSN") or len(parts) == 2 and not glue and token.tag != "XPN":
                break  # not 데 (NNB) of 이사했는데; nor 아버지 of "아버지 운전면허 갱신": the noun before the act is what is filed
            if glue or token.tag == "XPN" and parts:  # 재 + 발급
                parts[0] = token.text + parts[0]
            else:
                parts.insert(0, token.text)
            glue = token.tag == "XSN"
        return tuple(parts)

    def _filing_page(self, result: RetrievalResult) -> str | None:
        """The id of the page about the civil filing the question asks to do (:meth:`_filing_asked`, what is filed
        and the act) among the first :data:`FILING_PAGE_TOP` hits, when the first hit is not about it: the first whose
        title names what is filed (as said, or as a colloquial word for it says it) and whose text speaks of the act
        (:meth:`_speaks_of_filing`); None when there is none or no filing of a named thing is asked.

        s55 probe: "아버지가 80세인데 운전면허 갱신해야 해요" and "어머니가 75세인데 운전면허 갱신 어떻게 해요?" abstained on
        the catalogue: the age ranked three 고령운전자 운전면허 자진반납 programmes first (they never speak of a 갱신),
        and the gate refused them; 운전면허 적성검사 간소화, whose 지원내용 is the 갱신, was fourth or fifth.
        """
        filing = self._filing_asked(result)
        if filing is None or len(filing) < 2 or not result.hits \
                or self._speaks_of_filing(result.hits[0].doc, filing, result):
            return None
        thing = filing[-2]
        words = _said_as(thing, result.expansions)
        for h in result.hits[1:FILING_PAGE_TOP]:
            title = re.sub(r"\s+", "", h.doc.title)
            if any(w in title for w in words) and self._speaks_of_filing(h.doc, filing, result):
                return h.doc.doc_id
        return None

    def _speaks_of_filing(self, doc: DocInfo, filing: tuple[str, ...], result: RetrievalResult) -> bool:
        """Whether ``doc`` answers how to file ``filing`` (:meth:`_filing_asked`: what is filed, then the act): its
        title or overview (what the service is: :meth:`_overview`) writes the act with the noun before it as one word
        (전입신고, 이전등록), or its text writes the act other than as what qualifies the object (등록장애인, "등록
        장애인": a registered disabled person, not how to register) or as a status (:data:`_DONE_STATUS`: "등록된 장애
        정도가 심한 장애아동") and its title or overview is about what is filed (:meth:`_overview_holds`).

        The joined filing elsewhere on the page is a condition it sets, not how to file it (s54 probe on the bundled
        corpus: "출생신고 어떻게 해요" was answered with 경기도산후조리비지원, whose 신청 방법 says "출생신고를 마친 뒤";
        "장애인 등록 어떻게 해요" with 장애아가족 양육 지원, for "등록된 장애 정도가 심한 장애아동"); the act ending another
        thing's filing (주민등록 for 사업자 등록) is not this one."""
        if len(filing) > 1 and "".join(filing[-2:]) in self._overview_text(doc):
            return True
        act, objects = filing[-1], filing[:-1]
        text = self._written_text(doc.doc_id)
        if objects:
            text = re.sub(re.escape(act) + r"\s*" + re.escape(objects[-1]), " ", text)
        # the act as a word of its own or after what is filed (or a colloquial word for it), not the end of another
        # filing: 청년 사업자 임대료 지원's "중구에 주민등록을 두고" is no 사업자 등록 (s55 probe, "사업자등록 해야 하는데요")
        things = _said_as(objects[-1], result.expansions) if objects else []
        after = "".join(f"|(?<={re.escape(w)})" for w in things)
        spoken = re.search(f"(?:(?<![가-힣]){after}){re.escape(act)}(?!{_DONE_STATUS})", text)
        return spoken is not None and (not objects or self._overview_holds(doc, (objects,), _held_words(result)))

    def _written_text(self, doc_id: str) -> str:
        """The title and sections of document ``doc_id`` but the papers to bring (:data:`OVERLAP_LEFT_OUT`), as
        written, a line apart: what :meth:`_text_of` reads without whitespace."""
        doc = self.index.docs[doc_id]
        return doc.title + "\n" + "\n".join(c.text for c in self._doc_chunks.get(doc_id, [])
                                            if _key(c.section) not in OVERLAP_LEFT_OUT)

    def _settle_choices(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float],
                        regional: list[DocHit], beside: Sequence[DocHit] = ()) -> Answer | list[DocHit]:
        """The answer instead of asking the citizen's region among ``regional`` (one hit per region, best first), or
        the choices to ask it among (two or more of ``regional``, in order).

        * something the question asks is on none of their pages nor of ``beside`` (the national services the answer
          would quote with them; :meth:`_unheld_topics`): they do not answer it. The first hit, a national service,
          is the answer; else an abstention (signal ``unheld``): the caller says the documents lack it;
        * their titles name narrow groups the question does not (:func:`~assistant.knowledge.target_groups.
          narrow_group`; s51 probe: "어린이집 보육료 지원" asked a region between two 외국인아동보육료 programmes, for
          foreign children only): one that does not is answered as its region's (cited with its agency); none: each is
          listed with whom it is for (:meth:`_whom_listing`)."""
        if (filing := self._filing_asked(result)) is not None and len(filing) > 1:
            regional = [h for h in regional if _names_filing(h.doc.title, filing, result.expansions)]
        if not regional or (done := self._procedure_asked(result)) is not None \
                and not any(self._overview_holds(h.doc, (done,), _held_words(result)) for h in regional):
            # "이사했는데 전입신고 어떻게 해요" (s51 probe): asked among 전입 이사비 programmes, whose conditions only
            # speak of a 전입신고; how to report the move is on no page of theirs. No first hit answers it either. A
            # civil filing (:data:`_CIVIL_FILING`) is asked among the programmes whose title names it only: "혼인신고
            # 어떻게 해요" asked a region among 결혼축하금 programmes, whose overviews require a 혼인신고 (s52 probe);
            # "반려견 등록 어떻게 해요" among 반려동물등록 대행수수료 and 반려동물 전문인력 양성 (s53 probe): only the
            # first names it, and answers as its region's
            return Answer("", lang, (), True, score, {**signals, "unheld": 1.0})
        if self._unheld_topics(result, [*regional, *beside]):
            # the first hit, when it is a national service the region question passed over, answers (s51: "남편이랑 저
            # 둘 다 청각장애가 있어요. 애가 말이 늦는데 언어치료 비용 지원되나요?" asked a region among two 인공달팽이관
            # 수술 programmes below 언어발달지원, the answer); a region's page is no answer for the citizen's region
            first = result.hits[0]
            if not agency_regions(first.doc.agency):
                return self._compose(result, lang, score, signals, first, self.related_services(result, first))
            return Answer("", lang, (), True, score, {**signals, "unheld": 1.0})
        # (whether each choice holds every topic another holds is not asked: "쓰레기봉투" is not written in 옥천군's
        # 전입주민 쓰레기종량제봉투 지원, which is one), but for choices alike only by the age of life they serve
        regional = self._kin_by_more_than_age(result, regional)
        asked = asked_words(result)
        fitting = [h for h in regional if narrow_group(h.doc.title, asked) is None]
        if len(fitting) >= 2:
            return fitting
        if fitting:
            return self._compose(result, lang, score, signals, fitting[0], self.related_services(result, fitting[0]))
        return self._whom_listing(result, lang, score, signals, regional)

    def _query_tokens(self, query: str) -> list[Token]:
        """The Kiwi analysis of a question (its first 2,000 characters), kept for the last question asked: one answer
        reads it for the papers rule, the told event and the related services (:meth:`papers_only`,
        :meth:`about_told_event`, :meth:`_need_compounds`), each a Kiwi call before."""
        text = query[:2000]
        last = self._last_tokens
        if last is not None and last[0] == text:
            return last[1]
        tokens = self.tokenizer.tokenize(text)
        self._last_tokens = (text, tokens)  # one tuple assigned at once: safe to read from another request's thread
        return tokens

    def papers_only(self, result: RetrievalResult) -> bool:
        """Whether the Korean question's topic is on its first page only among the papers to bring: some topic
        compound (:func:`~assistant.knowledge.topic.topic_compounds`) is held by the page with its 구비 서류 and none
        without it (:meth:`_text_of` leaves the papers out). A page that asks for a 주민등록초본 is not about getting
        one; "에너지바우처 신청할 때 신분증 필요해요?" holds 에너지바우처 outside the papers and is about its page."""
        if result.language != "ko" or not result.hits:
            return False
        compounds = _off_places(topic_compounds(self._query_tokens(result.query)), result)
        if not compounds:
            return False
        doc_id = result.hits[0].doc.doc_id
        terms, outside = self._terms_of(doc_id), self._text_of(doc_id)
        if any(holds_topic([c], terms, outside, _held_words(result)) for c in compounds):
            return False
        papers = "".join(c.text for c in self._doc_chunks.get(doc_id, []) if _key(c.section) in OVERLAP_LEFT_OUT)
        inside = outside + re.sub(r"\s+", "", papers).lower()
        return any(holds_topic([c], terms, inside, _held_words(result)) for c in compounds)

    def tells_event(self, text: str) -> bool:
        """Whether ``text`` tells a life event that happened, before any retrieval: in English :data:`_EVENT_EN`; in
        Korean a verb in the past whose catalogue words (the colloquial glossary) or itself are a life event's
        (:data:`LIFE_EVENTS_KO`: 짤렸어요 → 실직, 돌아가셨어요 → 사망), or a life event's own word with 하다 in the past
        ("실직했어요"). The documents then judge whether a page is about it (:meth:`about_told_event`)."""
        from assistant.knowledge.glossary import default_colloquial

        if _EVENT_EN.search(text or ""):
            return True
        tokens = self.tokenizer.tokenize((text or "")[:2000])
        events = default_colloquial().expand(_happened(tokens))
        return any(w in LIFE_EVENTS_KO for stem, words in events for w in (stem, *words)) \
            or bool(_life_event_nouns(tokens, ("었", "았", "였")))

    def about_told_event(self, result: RetrievalResult, hit: DocHit | None = None) -> bool:
        """Whether ``result``'s question tells a life event in everyday Korean and its first page (or ``hit``) is about
        that event:
        its answerability is then at least :data:`TOLD_EVENT_SCORE`, though the gate doubts it.

        s37 closing note: "아버지가 돌아가셨어요" (restated "… 받을 수 있는 지원이 있나요?") and "어머니가 돌아가셨는데 재산이
        얼마나 있는지 몰라요" found 안심상속 (재산조회 of "돌아가신 분") first, and the gate (0.22) abstained: fitted on
        questions in the catalogue's words, it has no signal for an event said in everyday ones. It holds when the
        question is Korean, names no benefit (:meth:`~assistant.knowledge.glossary.Glossary.named_service`: a named one
        the documents lack is :meth:`missing_service`'s), a verb of it is an everyday word for a life event in the
        colloquial glossary (돌아가 → 사망, 잘리 → 실직), the first page's title and overview hold that verb or one of
        its catalogue words, and each other thing it names (its topic compounds, a family member's word aside) is in
        the page's text (a word of time aside): "할머니가 돌아가셨어요 장례비 지원 있나요?" asks about 장례비, which
        안심상속 does not speak of.
        The verb tells what happened (a past ending follows it: 돌아가셨어요, 잘렸는데): "애 키우는데 받을 수 있는 거
        있어요?" tells a state, the general question the eligibility check answers (s14), and "부모님 돌아가시면 …" a
        supposition. A supposition in the catalogue's own word for a life event (:data:`LIFE_EVENTS_KO` with 하다's
        conditional: "출산하면 뭐 받아요?"), or in an everyday verb whose catalogue words hold one the citizen plans
        (:data:`_PLANNED_EVENTS_KO`; "아기 낳으면 …": 낳 → 출산), holds where the first page's title names that word
        (임신·출산)."""
        from assistant.knowledge.glossary import default_colloquial
        from assistant.knowledge.topic import topic_compounds
        from assistant.nlu.household import KIN_SEX, MEMBER_WHO

        if not result.hits or default_glossary().named_service(result.query) is not None:
            return False
        if result.language == "en":
            return self._about_told_event_en(result, hit)
        if result.language != "ko":
            return False
        tokens = self._query_tokens(result.query)
        colloquial = default_colloquial()
        happened = _happened(tokens)
        # a life event told in its catalogue word with 하다 ("남편이 실직했어요")
        happened += _life_event_nouns(tokens, ("었", "았", "였"))
        events = colloquial.expand(happened)
        top = (hit or result.hits[0]).doc
        about = self._overview_text(top)
        title = re.sub(r"\s+", "", top.title)
        # a life event supposed in its catalogue word ("출산하면 뭐 받아요?") or in an everyday verb for it ("아기 낳으면
        # 돈 나와요?": 낳 → 출산; s56 probe, abstained among the regions' 출산장려금), the first page named for it
        supposed = [word for word in _life_event_nouns(tokens, ("면", "으면")) if word in title]
        supposed += [w for _stem, words in colloquial.expand(_supposed(tokens)) for w in words if w in _PLANNED_EVENTS_KO and w in title]
        if not supposed and not any(w in about for stem, words in events for w in (stem, *words)):
            return False
        expansions = colloquial.expand(lexical_terms(tokens))
        held = self._text_of(top.doc_id)
        places = frozenset().union(*(_EVENT_PLACES_KO.get(w, frozenset()) for stem, words in events for w in (stem, *words)))
        return all(holds_topic([c], self._terms_of(top.doc_id), held, expansions) for c in topic_compounds(tokens)
                   if not all(part in MEMBER_WHO or part in KIN_SEX or part in _TIME_WORDS_KO or part in places
                              for part in c))

    def _about_told_event_en(self, result: RetrievalResult, hit: DocHit | None = None) -> bool:
        """:meth:`about_told_event` for an English question: it tells an event that happened (:data:`_EVENT_EN`:
        "My father passed away", "I lost my job"), the glossary's translation of the event's phrase (passed away →
        사망) is in the title and overview of the first page or of its Korean version, and each of its other words
        (less :data:`~assistant.dialogue.eligibility_route.GENERAL_EN`, the phrase's own and words of time) is in that
        page's English text or translates to words of its Korean text. s38: "My father passed away. What should I
        do?" found the Safe Inheritance page first; the English gate gave it 0.015."""
        from assistant.dialogue.eligibility_route import GENERAL_EN

        told = _EVENT_EN.search(result.query)
        if told is None:
            return False
        top = hit or result.hits[0]
        pages = [top.doc, *top.alternates]
        phrases = [(phrase, korean) for phrase, korean in result.translations if phrase in told.group(0).lower()]
        # the event's Korean word and the catalogue's words for it, as for a Korean question ("I just lost my job":
        # 실직, which the pages write 실업: s39 probe, it abstained where "저 실직했어요" was answered)
        from assistant.knowledge.glossary import default_colloquial

        event_words = {w for _p, korean in phrases for w in korean}
        event_words |= {w for _stem, words in default_colloquial().expand(sorted(event_words)) for w in words}
        if not phrases or not any(w in self._overview_text(d) for d in pages for w in event_words):
            return False
        said = {w for phrase, _k in phrases for w in phrase.split()}
        held = "".join(self._text_of(d.doc_id) for d in pages)
        # an English word is held as a word of the page, not inside one ("cat" is in "application": s40, "My cat
        # passed away" was answered with the Safe Inheritance Service); a Korean translation inside the page's text
        words = frozenset().union(*(self._terms_of(d.doc_id) for d in pages))
        translated = {w for phrase, korean in result.translations for w in phrase.split()
                      if any(k in held for k in korean if len(k) >= 2)}
        return all(t in words or t in translated for t in result.terms
                   if t not in GENERAL_EN and t not in said and t not in _TIME_WORDS_EN)

    def related_services(self, result: RetrievalResult, lead: DocHit, top: int = VARIANT_TOP,
                         share: float = RELATED_SHARE) -> list[DocHit]:
        """The other national services that answer a question asking for a kind of help as well as ``lead`` does,
        listed after its answer (s36 second probe: "난방비 지원 있나요?" was answered with 연탄쿠폰 alone, never
        에너지바우처, whose overview says 냉난방비 지원사업; "장애가 있는 아이를 키우는데 돌봄 지원 있나요?" with
        아이돌봄 서비스 alone, never 장애아가족 양육 지원).

        Among the first ``top`` hits after ``lead``, those of an agency that names no region (a local government's are
        for its residents, listed by the regional rules) for no place the question does not name (:meth:`_placed_apart`;
        the answers that list them know no region of the citizen's) scoring at least ``share`` of the first hit, in rank order,
        whose title names a group the question names (:func:`~assistant.knowledge.target_groups.title_names_group`)
        and score at least :data:`~assistant.knowledge.target_groups.GROUP_SCORE_SHARE` of it, or, when the question
        does not name ``lead``'s programme (:func:`names_programme`), whose title and overview (the page's first
        section: what the service is, not the passing mentions of its conditions, where 취업 or 주거 turn up
        everywhere) hold every topic compound of the question (:func:`~assistant.knowledge.topic.topic_compounds`,
        each by :func:`~assistant.knowledge.topic.holds_topic`). Empty for a question with no topic compound.
        """
        from assistant.knowledge.target_groups import GROUP_SCORE_SHARE, asked_groups, title_names_group

        hits = result.hits
        if not hits:
            return []
        groups = asked_groups(asked_words(result))
        named = names_programme(result, lead)
        compounds: tuple[tuple[str, ...], ...] | None = None  # read only when a hit gets that far (most answers: none)
        out = []
        for h in hits[:top]:
            if h is lead or agency_regions(h.doc.agency) or h.score < share * hits[0].score \
                    or self._placed_apart(result, None, h.doc):
                continue
            if groups and h.score >= GROUP_SCORE_SHARE * hits[0].score and title_names_group(h.doc.title, groups) \
                    and not title_names_group(lead.doc.title, groups):
                out.append(h)
                continue
            if named:
                continue
            if compounds is None:
                compounds = self._need_compounds(result)
            if compounds and self._about_and_for(h.doc, compounds, (*_held_words(result), *result.translations)):
                out.append(h)
        return out

    def _need_compounds(self, result: RetrievalResult) -> tuple[tuple[str, ...], ...]:
        """The question's topic compounds (:func:`~assistant.knowledge.topic.topic_compounds`) less those that say
        who the citizen is rather than what they need: a family member named by a word of sex (아버지, 엄마: the
        person the help is for, :data:`~assistant.nlu.household.KIN_SEX`), living alone ("혼자 사시는데",
        :func:`~assistant.nlu.household.lives_alone_spans`) and a life event told beside the help asked ("남편이
        실직했어요 애들 학비 지원 있나요?": :meth:`without_told_event`). In English (its words are no Korean page's), the
        phrases its glossary translated into Korean (:attr:`RetrievalResult.translations`: "heating" → 난방) whose
        Korean words are not all generic, living alone left out: each a compound, held through its Korean words.

        s39 fresh-user probe: "My dad is 80 and lives alone, he needs help with heating in winter" and its Korean twin
        listed nothing beside 연탄쿠폰 (아버지 and 혼자 are on no page about heating), never 에너지바우처."""
        from assistant.knowledge.topic import GENERIC_WORDS, topic_compounds
        from assistant.nlu.household import KIN_SEX, lives_alone_spans

        query = result.query[:2000]
        alone = lives_alone_spans(query)
        if result.language == "en":
            return tuple((phrase,) for phrase, korean in result.translations
                         if any(w not in GENERIC_WORDS for w in korean)
                         and not any(s <= query.lower().find(phrase.lower()) < e for s, e in alone))
        told = self._told_beside(query)  # a life event told beside the help asked is no need (without_told_event)
        return tuple(c for c in topic_compounds(self._query_tokens(result.query), [*alone, *([told] if told else [])])
                     if not all(part in KIN_SEX for part in c))

    def _about_and_for(self, doc: DocInfo, compounds: tuple[tuple[str, ...], ...],
                       expansions: Iterable[tuple[str, tuple[str, ...]]]) -> bool:
        """Whether ``doc`` is about what the question asks and for whom it says: each of ``compounds`` is held by its
        title and overview (:meth:`_overview_holds`), or, for who the question says it is, by its eligibility
        section, at least one by the overview (s39 fresh-user probe: "기초생활수급자인데 겨울 난방비 너무
        많이나와요" listed nothing beside 연탄쿠폰: 에너지바우처's overview says 겨울 and 냉난방비, its 지원 대상
        수급자)."""
        expansions = tuple(expansions)
        about = [c for c in compounds if self._overview_holds(doc, (c,), expansions)]
        if len(about) == len(compounds):
            return True
        if not about:
            return False
        section = self._eligibility_text(doc)
        if not section:
            return False
        terms = frozenset(lexical_terms(self.tokenizer.tokenize(section[:4000])))
        squashed = re.sub(r"\s+", "", section).lower()
        return all(holds_topic([c], terms, squashed, expansions) for c in compounds if c not in about)

    def _unsaid_of_named(self, result: RetrievalResult) -> tuple[DocHit, tuple[str, ...]] | None:
        """``(hit, unsaid)`` when a Korean question of one part (:data:`_MORE_SAID`: nothing told beside it, "… 중소기업
        다니고 있어요" is about the citizen) names a service of the documents among its first three hits
        (:func:`names_programme`; a national one: not a benefit they lack, :meth:`missing_service`, nor a region's; no
        place said), names no aspect of it (:data:`_ASPECT_CUES`: 얼마, 대상, 나이, 신청 …) and asks of it only things its page
        never speaks of: each of its topic compounds (:meth:`_what_compounds`) outside the service's title is unheld by
        the page (:meth:`_holds`) and starts a word of the question (유도 of "등유도 돼요?", as Kiwi may read it, is a
        piece of what was said). ``unsaid``: those compounds, each as the question's words. Else None."""
        if result.language != "ko" or not result.hits or _MORE_SAID.search(result.query.strip()) \
                or self.missing_service(result.query) is not None:
            return None
        hit = next((h for h in result.hits[:3] if names_programme(result, h)), None)
        if hit is None or agency_regions(hit.doc.agency) or result.places or read_place(result.query) is not None:
            return None  # a region's programme (which region's is asked first), or a place said beside the question
        terms, query = self._said_besides_title(result, hit)
        if any(c in terms or (len(c) > 1 and c in query.lower()) for cues in _ASPECT_CUES.values() for c in cues):
            return None  # an aspect asked ("나이 제한이 있나요?": who is eligible), which the page's sections answer
        title = re.sub(r"\s+", "", hit.doc.title).lower()
        rest = [c for c in self._what_compounds(result) if not all(part in title for part in c)]
        if not rest or any(self._holds(result, c, hit.doc.doc_id) for c in rest):
            return None
        if not all(re.search(rf"(?<![\w]){re.escape(c[0])}", result.query) for c in rest):
            return None  # a piece of a word said (유도 of 등유도, as Kiwi may read it), not what is asked
        return hit, tuple(_as_asked(result.query, c) for c in rest)

    def _placed_apart(self, result: RetrievalResult, region: str | None, doc: DocInfo) -> bool:
        """Whether ``doc`` is a national body's service for one place only
        (:func:`~assistant.regions.eligibility_regions` of its eligibility section) and neither the question's places
        (:attr:`RetrievalResult.places`) nor ``region`` (where the conversation says the citizen lives) are in it: no
        answer for a citizen who may live anywhere else. A page whose agency is local is the region logic's."""
        if doc.doc_id not in self._eligibility_places:
            self._eligibility_places[doc.doc_id] = eligibility_regions(self._eligibility_text(doc), doc.title, doc.agency)
        parts = self._eligibility_places[doc.doc_id]
        if not parts:
            return False
        if result.places:
            return not any(compatible(Place(parts[0], parts[1] if len(parts) > 1 else None), p) for p in result.places)
        return not region or not any(n in region for n in region_names(parts[-1]))

    def _eligibility_text(self, doc: DocInfo) -> str:
        """``doc``'s whole eligibility section (지원 대상 / 선정기준 / who is eligible: the first such), "" when it has
        none."""
        names = [c.section for c in self._doc_chunks.get(doc.doc_id, []) if _key(c.section) in ASPECT_SECTIONS["eligibility"]]
        return self._whole_section(doc, names[0]) if names else ""

    def _overview_holds(self, doc: DocInfo, compounds: tuple[tuple[str, ...], ...],
                        expansions: Iterable[tuple[str, tuple[str, ...]]]) -> bool:
        """Whether ``doc``'s title and overview (its 개요 / 서비스목적 section, else its first: what the service is,
        not the passing mentions of its conditions) hold every one of ``compounds``
        (:func:`~assistant.knowledge.topic.holds_topic` each, ``expansions`` the question's colloquial words)."""
        text = self._overview_text(doc)
        if doc.doc_id not in self._overview_terms:
            self._overview_terms[doc.doc_id] = frozenset(lexical_terms(self.tokenizer.tokenize(self._overview(doc))))
        expansions = tuple(expansions)
        return bool(compounds) and all(holds_topic([c], self._overview_terms[doc.doc_id], text, expansions)
                                       for c in compounds)

    def _overview(self, doc: DocInfo) -> str:
        """``doc``'s title and overview section (개요 / 서비스목적, else its first section)."""
        sections = self._sections(doc)
        by_key = {_key(name): text for name, text in sections.items()}
        first = next((by_key[k] for k in ASPECT_SECTIONS["overview"] if k in by_key), next(iter(sections.values()), ""))
        return doc.title + " " + first

    def _need_beside(self, result: RetrievalResult, missing: str) -> tuple[str, ...]:
        """The nouns of the question besides the missing benefit's name, the groups of people and the generic words
        (:data:`_NAME_GROUP_WORDS`, :data:`_NAME_GENERIC_WORDS`), two syllables or more, lower-cased: what the
        citizen needs beside the benefit they named or implied ("면접" in "취준생인데 면접 볼 때 돈 주는 거 있나요",
        "일자리" in "… 생계급여가 나온대요. 어디서 일자리 받아요?"); an English question's Korean translations."""
        name = re.sub(r"\s+", "", missing)
        nouns = _asked_nouns(self._query_tokens(result.query))
        # an English question's glossary words, whole (the retrieval's translations are cut into bigrams: 어르신 → 르신)
        nouns += _asked_nouns(k for _p, ks in default_glossary().matches(result.query) for k in ks)
        return tuple(dict.fromkeys(w.lower() for w in nouns if w not in name))

    def overview_of(self, doc_id: str, most: int = 160) -> str:
        """The first ``most`` characters of the overview section (개요 / 서비스목적, else the first section) of document
        ``doc_id``, whitespace collapsed; ``""`` for an unknown document."""
        doc = self.index.docs.get(doc_id)
        if doc is None:
            return ""
        return re.sub(r"\s+", " ", self._overview(doc)[len(doc.title):]).strip()[:most]

    def _overview_text(self, doc: DocInfo) -> str:
        """:meth:`_overview` lower-cased without whitespace (cached per document)."""
        if doc.doc_id not in self._overview_texts:
            self._overview_texts[doc.doc_id] = re.sub(r"\s+", "", self._overview(doc)).lower()
        return self._overview_texts[doc.doc_id]

    def offers_topic(self, text: str) -> bool:
        """Whether some document is about what ``text`` talks of: its topic compounds
        (:func:`~assistant.knowledge.topic.topic_compounds`, none: False) are all held by a document's title and
        overview (:meth:`_overview_holds`); with no compound, a colloquial phrase's catalogue word is held by one
        ("아이 말이 늦어요": 언어발달). A statement read as out of scope ("겨울에 난방비가 너무 많이 나와요": 연탄쿠폰
        is a 난방비 지원사업) then names a need the documents may answer; "날씨가 너무 더워요" names none. Only the
        overviews that hold a part of the first compound as text are tokenised (a whole catalogue stays cheap)."""
        from assistant.knowledge.glossary import default_colloquial
        from assistant.knowledge.topic import topic_compounds

        tokens = self.tokenizer.tokenize(self.without_told_event(text)[:2000])  # a job lost beside it is no topic
        compounds = topic_compounds(tokens)
        expansions = default_colloquial().expand(lexical_terms(tokens))
        if not compounds:
            # a colloquial phrase is the topic of a statement with no noun compound ("아이 말이 늦어요": 말 늦 →
            # 언어발달; s54 probe, read as out of scope): some overview holds one of its catalogue words
            phrases = {w for t, words in expansions if " " in t for w in words}
            return bool(phrases) and any(w in self._overview_text(doc) for doc in self.index.docs.values() for w in phrases)
        first = compounds[0]
        catalogue = {w for t, words in expansions if t in first or any(p in first for p in t.split()) for w in words}
        for doc in self.index.docs.values():
            squashed = self._overview_text(doc)
            if any(p.lower() in squashed for p in first) or any(w in squashed for w in catalogue):
                if self._overview_holds(doc, compounds, expansions):
                    return True
        return False

    def _national_on_subject(self, result: RetrievalResult, top: int = VARIANT_TOP,
                             share: float = NATIONAL_SUBJECT_SHARE) -> tuple[DocHit | None, list[DocHit]]:
        """A national service about what was asked, below one region's service that is less so: ``(lead, regional)``.

        For a question that names no place and not the first hit's programme, whose first hit is a local government's
        service: the best national hit (an agency with no region) among the first ``top`` scoring at least ``share`` of
        the first, whose title holds the question's subject (:meth:`TitleSubjects.subject`, not empty) and every word
        of it that the first hit's title holds, is ``lead``; ``regional`` is the first hit and the other regions'
        hits among the first ``top`` whose titles hold some of the subject, one per region, each for its residents.
        ``(None, [])`` otherwise. s34 probe: "아기 낳으면 받을 수 있는 지원 있어요?" (낳 → 출산) ranked 경기도's
        산후조리비지원 first (its text says 아기 often; its title holds nothing of 출산), and the answer gave a 경기도
        programme to a citizen of unknown place, with 건강보험 임신·출산 진료비 지원 (every mother's) never said.
        """
        hits = result.hits
        if not hits or result.places or read_place(result.query) is not None:
            return None, []
        # a national service for people the question does not name is no answer about its subject for anyone (s52
        # probe: "치과 임플란트 노인 지원" answered 북한이탈주민 의료지원 over 양구군's 의치보철 지원)
        asked = asked_words(result)
        national = [h for h in self._subject_nationals(result, hits[0], top, share) if narrow_group(h.doc.title, asked) is None]
        if not national:
            return None, []
        strong = [h for h in hits[1:top] if h.score >= share * hits[0].score]
        regional, _ = _by_region([hits[0], *(h for h in strong if agency_regions(h.doc.agency)
                                             and self.subjects.subject(result, h.doc.title))])
        return national[0], regional

    def _fuller_national(self, result: RetrievalResult, top: int = VARIANT_TOP) -> DocHit | None:
        """A national service that holds all the question asks, below one region's service that holds less of it.

        For a Korean question that names no place, whose first hit is a local government's service and lacks a topic
        compound the question asks (:meth:`_asked_compounds`, :meth:`_holds`): the first national hit (an agency with
        no region) among the first ``top`` that holds every one of them and is not for a narrow group the question
        does not name (:func:`~assistant.knowledge.target_groups.narrow_group`); None otherwise. No share of the first
        hit's score is asked: holding what the first lacks is the evidence (배회감지기 무상보급 scored 0.79 of the
        first on the catalogue, 0.44 on a five-service index).

        s53 probe: "치매 어르신 실종 예방 지원 있나요" answered 울산광역시's 지역사회서비스 투자사업(어르신 생기발랄)
        (치매예방, 어르신; no word of 실종) for a citizen of unknown place, above 배회감지기 무상보급, every family's, whose
        page is about preventing the 실종 of people with dementia."""
        hits = result.hits
        if not hits or result.places or not agency_regions(hits[0].doc.agency):
            return None
        compounds = self._asked_compounds(result)
        if all(self._holds(result, c, hits[0].doc.doc_id) for c in compounds):
            return None
        return next((h for h in self._holding_all(result, compounds, top) if not agency_regions(h.doc.agency)), None)

    def _fuller_page(self, result: RetrievalResult, top: int = VARIANT_TOP) -> DocHit | None:
        """A page that holds all the question asks, below a national service's that holds less of it.

        For a Korean question that names no place, whose first hit is a national service and lacks a topic compound
        of several words the question asks (:meth:`_asked_compounds`, :meth:`_holds`; one noun written of two, 전세 +
        사기: a thing named, not a word of how the citizen put it, 수술비 where the page says 치료비): the first hit
        among the first ``top`` that holds every one of them and is not for a narrow group the question does not name, a national one before a region's
        (then answered as that region's, cited with its agency); None otherwise. :meth:`_fuller_national` is the rule
        for a region's first hit.

        s56 probe: "전세사기 피해자 지원" answered 성폭력 피해자 보호시설 운영 지원 (피해자; no word of 전세 or 사기), above
        의정부시's 전세보증금반환보증 보증료 지원, whose overview is about the 전세사기 that leaves tenants without their
        deposit."""
        hits = result.hits
        if not hits or result.places or agency_regions(hits[0].doc.agency):
            return None
        compounds = self._asked_compounds(result)
        if all(self._holds(result, c, hits[0].doc.doc_id) for c in compounds if len(c) > 1):
            return None
        fuller = self._holding_all(result, compounds, top)
        return next((h for h in fuller if not agency_regions(h.doc.agency)), fuller[0] if fuller else None)

    def _holding_all(self, result: RetrievalResult, compounds: Sequence[tuple[str, ...]], top: int) -> list[DocHit]:
        """The hits after the first among the first ``top`` that hold every one of ``compounds`` (:meth:`_holds`) and
        are not for a narrow group the question does not name (:func:`~assistant.knowledge.target_groups.
        narrow_group`), in rank order: the search of :meth:`_fuller_national` and :meth:`_fuller_page`."""
        asked = asked_words(result)
        return [h for h in result.hits[1:top] if narrow_group(h.doc.title, asked) is None
                and all(self._holds(result, c, h.doc.doc_id) for c in compounds)]

    def _on_subject(self, result: RetrievalResult, lead: DocHit, top: int = VARIANT_TOP,
                    share: float = NATIONAL_SUBJECT_SHARE) -> list[DocHit]:
        """Hits about what was asked where ``lead`` is a local government's service that is less so.

        Empty when ``lead``'s agency names no region or the question names ``lead``'s programme
        (:func:`names_programme`). Else the hits other than ``lead`` among the first ``top`` scoring at least ``share``
        of the first hit whose titles hold the question's subject (:meth:`TitleSubjects.subject`, not empty) and every
        word of it that ``lead``'s title holds, in rank order."""
        hits = result.hits
        if not hits or not agency_regions(lead.doc.agency) or names_programme(result, lead):
            return []
        held = self.subjects.subject(result, lead.doc.title)
        return [h for h in hits[:top] if h is not lead and h.score >= share * hits[0].score
                and (subject := self.subjects.subject(result, h.doc.title)) and held <= subject]

    def _subject_nationals(self, result: RetrievalResult, lead: DocHit, top: int = VARIANT_TOP,
                           share: float = NATIONAL_SUBJECT_SHARE) -> list[DocHit]:
        """The national hits (an agency with no region) of :meth:`_on_subject`, those open to everyone first
        (:func:`open_first`)."""
        return open_first([h for h in self._on_subject(result, lead, top, share) if not agency_regions(h.doc.agency)],
                          result)

    def _national_beside(self, result: RetrievalResult, anchor: DocHit | None, regional: list[DocHit],
                         national: list[DocHit], unfit: Callable[[DocHit], bool] = lambda h: False) -> DocHit | None:
        """A national service of another programme among the first :data:`VARIANT_TOP` hits that answers a question
        whose first hits are several regions' versions of one programme (``anchor``, ``regional``, its ``national``
        versions), or None. It is one whose title names no stage or group the question leaves unnamed
        (:func:`~assistant.knowledge.target_groups.unasked_stage`) and either

        * ranks first, the regions' programme scoring under :data:`STAGE_SCORE_SHARE` of it, and its title names some
          of the question's words that the programme's does not (s48 probe: "폐렴 예방접종 무료인가요?" asked a region
          among two regions' 인플루엔자 예방접종, 질병관리청's 폐렴구균 예방접종 ranked first), or
        * scores :data:`STAGE_SCORE_SHARE` of the first hit or more and its title names every word of the question
          the programme's does (s48 probe: "임신했는데 받을 수 있는 거 있어요?" asked a region among two regions'
          엽산제·철분제, 보건복지부's 건강보험 임신·출산 진료비 지원, open to every pregnancy, third at 0.92 of the first),
          or every one of the question's own words (임신, where the programme's title says 임산부; an English
          question's words as the glossary says them in Korean, one of each), or
        * scores :data:`STAGE_SCORE_SHARE` of the first hit or more and its page holds every topic compound the
          question asks (:meth:`_asked_compounds`, :meth:`_holds`; s53 probe: "학교 급식비 지원" asked a region "under
          '학교'" between 대안학교 무상급식 식품비 지원 and 학교급식 우수 식재료 지원, 교육부's 초·중·고 교육비 지원, whose
          지원내용 lists every low-income pupil's 학교급식비, first).

        Never one without the kind of benefit the question asks for that the programme's title names
        (:func:`_other_kind_of_benefit`; s58 probe: "군대 가는데 지원금 있나요" was answered with 한국장학재단's 군 복무기간
        이자면제 지원, beside 양평군's and 구리시's 입영지원금), nor one that shuts out the group the question names of a child (``unfit``, :func:`~assistant.knowledge.
        target_groups.shuts_out`): with the phrase "언어 치료" read as 언어발달, "장애아동 언어치료 지원 있나요?" was
        answered with 언어발달지원, for non-disabled children only (s55).

        The caller answers with it and lists the regions' versions after it, for their residents."""
        if anchor is None or not agency_regions(anchor.doc.agency) or not result.hits:
            return None
        first = result.hits[0]
        asked = asked_words(result)
        programme = self.subjects.subject(result, anchor.doc.title)
        # the question's own words (not their expansions) that could name a subject: 임신, where the programme's
        # title says 임산부 (an expansion of it)
        own = [{t.lower()} for t in result.terms if len(t) >= MIN_SUBJECT_CHARS and t.lower() not in GENERIC_TERMS]
        if result.language == "en":
            # an English question's words as the glossary says them in Korean, any one for each (s54 probe: "I'm
            # pregnant. What help is there?" asked a region among three regions' 임산부 programmes, 건강보험 임신·출산
            # 진료비 지원 fourth at 0.88 of the first; its Korean twin was answered with it)
            own = [{k.lower() for k in korean if len(k) >= MIN_SUBJECT_CHARS and k.lower() not in GENERIC_TERMS}
                   for _phrase, korean in result.translations]
        own = [words for words in own if words]
        compounds = self._asked_compounds(result)  # what it asks about, read once for every hit
        for hit in result.hits[:VARIANT_TOP]:
            if hit is anchor or hit in regional or hit in national or agency_regions(hit.doc.agency) \
                    or unasked_stage(hit.doc.title, asked) is not None or unfit(hit) \
                    or _other_kind_of_benefit(asked, anchor.doc.title, hit.doc.title):
                continue
            said = self.subjects.subject(result, hit.doc.title)
            if hit is first and anchor.score < STAGE_SCORE_SHARE * first.score and said - programme:
                return hit
            if hit.score >= STAGE_SCORE_SHARE * first.score and compounds \
                    and all(self._holds(result, c, hit.doc.doc_id) for c in compounds):
                return hit
            if hit.score >= STAGE_SCORE_SHARE * first.score and programme \
                    and (said >= programme or (own and all(words & said for words in own))):
                return hit
        return None

    def _programme_name(self, result: RetrievalResult, anchor: DocHit, kind: Callable[[DocHit, DocHit], bool]) -> str:
        """How the answer names the kind of help: the anchor's title without its region ("청년 월세 지원") when the
        regions' versions share it (:meth:`_shared_name`), else the question's subject in the anchor's title ("출산")."""
        title = re.sub(r"\s+", " ", programme_core_title(anchor.doc.title, anchor.doc.agency)).strip() or anchor.doc.title
        subject = self.subjects.subject(result, anchor.doc.title)
        if self._shared_name(result, anchor, kind) or not subject:
            return title
        return self.subjects.label(subject, anchor.doc.title)

    @staticmethod
    def _shared_name(result: RetrievalResult, anchor: DocHit, kind: Callable[[DocHit, DocHit], bool]) -> bool:
        """Whether every version of the anchor's kind of help among the first hits names the programme as the anchor
        does (:func:`programme_core`: 청년 월세 지원 everywhere), rather than each its own way (출산지원금, 출산장려금)."""
        core = programme_core(anchor.doc.title, anchor.doc.agency)
        alike = [h for h in result.hits[:VARIANT_TOP] if h is not anchor and kind(anchor, h)]
        # no other version among them: nothing is shared (the question's subject names the kind: "양육", not one
        # region's "출산양육지원금 지원")
        return bool(alike) and all(_same_programme(core, programme_core(h.doc.title, h.doc.agency)) for h in alike)

    def _for_region(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float], region: str,
                    lead: DocHit, kind: Callable[[DocHit, DocHit], bool], grouped: bool, given: bool,
                    wider_search: Callable[[], tuple[DocHit, ...]] | None = None,
                    unpreferred: str | None = None) -> Answer:
        """The answer for a citizen of ``region`` (the conversation's, or the places the question names).

        ``lead`` is the best hit of the kind of help asked about (the regional programme's anchor, ``grouped``, else
        the top hit, which answers as today when it is national or the region's); ``given``: ``region`` is the
        conversation's (else it is what the question names); ``wider_search``: the question retrieved among the region's
        and the national documents (see :meth:`run`), asked when no hit of the kind is the region's and others' are.
        Among the retrieved documents of that kind (``lead`` and every hit ``kind(lead, hit)`` holds): the region's own
        programme answers (its 시·군·구's before its 시·도's), with the others of the region and the national ones
        cited after it; without one, a national one answers, after a sentence saying that none is the region's;
        without either, the answer says so and lists the other regions' versions, each naming its place. Never
        another region's programme as the answer. ``unpreferred``: the doc_id of the first hit of the same question
        retrieved without the region's preference (``run``'s ``judged``), or None: a programme of another kind is
        answered instead only when it leads there too, not when the preference lifted it by moving the other regions'
        versions down (s32: "Is there monthly rent support for young people?" for 서울특별시 ranked the national
        English page of 청년내일저축계좌, 0.859, above 옥천군's and 안양시's youth rent pages, 0.91 → 0.71, and answered it).
        """
        if wider_search is not None:  # asked at most once (the region's own version, then the subject's)
            search, found = wider_search, list[tuple[DocHit, ...]]()

            def wider_search() -> tuple[DocHit, ...]:
                if not found:
                    found.append(search())
                return found[0]
        core = programme_core(lead.doc.title, lead.doc.agency)
        same = [h for h in result.hits
                if h is lead or kind(lead, h) or _same_programme(core, programme_core(h.doc.title, h.doc.agency))]
        theirs = sorted((h for h in same if agency_regions(h.doc.agency) and self._serves(result, h.doc.agency, region)),
                        key=lambda h: -region_match(h.doc.agency, region))
        national = [h for h in same if not agency_regions(h.doc.agency)]
        others = [h for h in same if agency_regions(h.doc.agency) and h not in theirs]
        if not theirs and others and wider_search is not None:
            # other regions' versions fill the hits: the region's own, or the nation's, may rank below them
            held = {h.doc.doc_id for h in same}
            more = [h for h in wider_search() if h.doc.doc_id not in held
                    and (kind(lead, h) or _same_programme(core, programme_core(h.doc.title, h.doc.agency)))]
            theirs = sorted((h for h in more if agency_regions(h.doc.agency) and self._serves(result, h.doc.agency, region)),
                            key=lambda h: -region_match(h.doc.agency, region))
            national += [h for h in more if not agency_regions(h.doc.agency)]
        on_subject = self._on_subject(result, lead) if not theirs and not national else []
        own = [h for h in on_subject if agency_regions(h.doc.agency) and self._serves(result, h.doc.agency, region)]
        inside_subject: list[DocHit] = []
        if on_subject and not own and wider_search is not None:
            # the region's own service about the subject may rank below the first hits: looked for among the region's
            # and the national documents (s34 probe: "아기가 태어났어요 …" then "창원에 살아요" was told 창원시 runs no
            # '출산' service; its 출산축하금 ranked below the first ten)
            lead_subject = self.subjects.subject(result, lead.doc.title)
            about = [h for h in wider_search() if agency_regions(h.doc.agency)
                     and (subject := self.subjects.subject(result, h.doc.title)) and lead_subject <= subject]
            own = [h for h in about if self._serves(result, h.doc.agency, region)]
            inside_subject = [h for h in about if self._inside(result, h.doc.agency, region)]
        if on_subject:
            # another service holds the question's subject that the lead's title lacks (s34: "대전 사는데 아기 낳으면 …"
            # was told only of 경기도산후조리비지원, never of 건강보험 임신·출산 진료비 지원): the region's own, else a
            # national one answers
            national = open_first([h for h in on_subject if not agency_regions(h.doc.agency)], result)
            if own:
                own = sorted(own, key=lambda h: -region_match(h.doc.agency, region))
                return self._compose(result, lang, score, signals, own[0], own[1:] + national)
            if national:  # named by the question's subject ('출산'), not by the lead's title ('산후조리비지원')
                subject = self.subjects.subject(result, national[0].doc.title)
                programme = self.subjects.label(subject, national[0].doc.title)
                return self._none_here(result, lang, score, signals, national[0], national[1:], programme, region, given,
                                       inside_subject)
        # a service for a narrow group the question does not name (예술인ㆍ노무제공자 출산전후급여등) leads over none
        # open to everyone of the kind (건강보험 임신·출산 진료비 지원); the ranking decides within each part
        theirs, national = open_first(theirs, result), open_first(national, result)
        lead_national = not agency_regions(lead.doc.agency)
        if lead_national and unpreferred not in (None, lead.doc.doc_id) and self._unheld_topics(result, [lead]):
            # a national page the region's preference lifted to the first, which lacks what the question asks while
            # another hit has it, does not answer; without the region it was no answer either (:meth:`run`'s national
            # version). The region's own page that holds all of it does; else none. s58 note: "장애인 차량 지원"
            # answered 장애인법률구조지원 (장애인 only) to a citizen of 경기도 수원시, and to one of 서울특별시 종로구,
            # whose 거주자우선주차 요금감면 alone speaks of 장애인 and 차량, after saying 종로구 runs no such service
            own = [h for h in result.hits if agency_regions(h.doc.agency) and self._serves(result, h.doc.agency, region)
                   and not self._unheld_topics(result, [h])]
            if own:
                return self._compose(result, lang, score, signals, own[0], [])
            return Answer("", lang, (), True, score, {**signals, "unheld": 1.0})
        if not grouped and (lead_national or self._serves(result, lead.doc.agency, region)) and (theirs or not others):
            return self._compose(result, lang, score, signals, lead, national_variants(result.hits))
        if theirs:
            return self._compose(result, lang, score, signals, theirs[0], theirs[1:] + national)
        inside = [h for h in others if self._inside(result, h.doc.agency, region)]
        if inside and not national:
            # the citizen named only their 시·도 ("경기도요") and a 시·군·구 of it runs the programme: that one is
            # answered, said first to be for that 시·군·구's residents, never "none in 경기도" beside 경기도 안양시 (s32)
            programme = self._programme_name(result, lead, kind)
            place = place_for_language(self._place_label(result, region, given), lang)
            run_by = places_for_language(list(dict.fromkeys(" ".join(agency_regions(h.doc.agency)) for h in inside)), lang)
            answer = self._compose(result, lang, score, signals, inside[0], inside[1:])
            return replace(answer, text=inside_region_text(lang, programme, place, run_by) + "\n" + answer.text,
                           programme=programme)
        if lead_national:  # other regions run this kind of help, the citizen's region none: said first
            return self._none_here(result, lang, score, signals, lead, [h for h in national if h is not lead],
                                   self._programme_name(result, lead, kind), region, given, inside)
        first = result.hits[0]
        led = unpreferred is None or unpreferred == first.doc.doc_id  # it led without the region's preference too
        if not national and first is not lead and led and (not agency_regions(first.doc.agency)
                                                   or self._serves(result, first.doc.agency, region)):
            return self._compose(result, lang, score, signals, first, [])  # a secondary programme the region does not run
        programme = self._programme_name(result, lead, kind)
        place = place_for_language(self._place_label(result, region, given), lang)
        if national:
            return self._none_here(result, lang, score, signals, national[0], national[1:], programme, region, given, inside)
        seen: set[tuple[str, ...]] = set()
        docs = []
        for h in same:
            if (where := agency_regions(h.doc.agency)) and where not in seen:
                seen.add(where)
                docs.append(self._pick_doc(result, h))
        docs = docs[:VARIANT_TOP]
        listed = "\n".join(f"- {d.title} ({place_for_language(d.agency, lang)}): {d.url}" for d in docs)
        named = self._shared_name(result, lead, kind) \
            and programme_core(lead.doc.title, lead.doc.agency) in re.sub(r"[\W_]+", "", result.query).lower()
        run_by = places_for_language([" ".join(agency_regions(d.agency)) for d in docs], lang)
        text = missing_variant_text(lang, programme, place, run_by, named) + "\n" + listed
        return Answer(text, lang, tuple(self._cite(d) for d in docs), False, score, signals, programme)

    def _none_here(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float], hit: DocHit,
                   also: list[DocHit], programme: str, region: str, given: bool,
                   inside: list[DocHit] | None = None) -> Answer:
        """``hit`` (a national service) answered for a citizen of ``region`` whose region runs no version of
        ``programme`` that is theirs, said first (:func:`none_in_region_text`); when 시·군·구 inside the 시·도 the
        citizen named run one (``inside``, :meth:`_inside`), they are named instead and the citizen asked which is
        theirs (:func:`inside_then_national_text`)."""
        answer = self._compose(result, lang, score, signals, hit, also)
        place = place_for_language(self._place_label(result, region, given), lang)
        if inside:
            where = [agency_place(h.doc.agency) for h in inside]
            run_by = ", ".join(dict.fromkeys(p.sigungu for p in where if p is not None and p.sigungu)) if lang != "en" else \
                places_for_language(list(dict.fromkeys(" ".join(agency_regions(h.doc.agency)) for h in inside)), lang)
            note = inside_then_national_text(lang, programme, place, run_by)
            # the 시·군·구 said next answers the question again for it (:mod:`assistant.dialogue.regional`)
            listed = tuple(dict.fromkeys(" ".join(agency_regions(h.doc.agency)) for h in inside))
            return replace(answer, text=note + "\n" + answer.text, programme=programme, listed_regions=listed)
        return replace(answer, text=none_in_region_text(lang, programme, place) + "\n" + answer.text, programme=programme)

    @staticmethod
    def _inside(result: RetrievalResult, agency: str, region: str) -> bool:
        """Whether ``agency`` is a 시·군·구 inside the 시·도 the citizen named without naming their 시·군·구 (the
        places the retrieval preferred, else ``region`` read by :func:`read_place`): a programme that may be
        theirs, once they say where in the 시·도 they live."""
        doc = agency_place(agency)
        if doc is None or doc.sigungu is None:
            return False
        area = read_place(region)
        if area is not None and area.sigungu is not None:
            # the citizen named their 시·군·구, read with every 시·군·구 (:func:`read_place`): the places the retrieval
            # preferred are read with the index's agencies only, and a corpus with no document of 수원시 reads "경기도
            # 수원시" as 경기도 (s44: a 수원 resident was told "경기도 수원시에서는 경기도 안양시에서 운영하는 '청년 월세
            # 지원'이 있어요")
            return False
        named = [(p.sido, p.sigungu) for p in result.places] or ([(area.sido, area.sigungu)] if area else [])
        return any(sido == doc.sido and sigungu is None for sido, sigungu in named)

    @staticmethod
    def _place_label(result: RetrievalResult, region: str, given: bool) -> str:
        """Where the citizen lives, as the answer names it: the one place the conversation's region or the question
        names (:func:`read_place`, every 시·군·구: "대구 수성구" is 대구광역시 수성구 even where no document of the index
        is its), else the places the retrieval preferred, else ``region`` as given."""
        area = read_place(region if given else result.query)
        if area is not None and (given or any(p.sido == area.sido for p in result.places)):
            return str(area)
        return ", ".join(str(p) for p in result.places) or region

    @staticmethod
    def _serves(result: RetrievalResult, agency: str, region: str) -> bool:
        """Whether a local government's programme (``agency``) is the citizen's: read against the places the
        retrieval preferred (the question's, else the conversation's region, :attr:`RetrievalResult.places`) when
        there are any, else against ``region``'s words (:func:`region_match`). A 시·군·구's programme is the citizen's
        only when their 시·군·구 is that one: a citizen who named only the 시·도 is not told that one of its 시·군·구's
        programmes is theirs."""
        if result.places:
            doc = agency_place(agency)
            return doc is not None and any(compatible(doc, p) and (doc.sigungu is None or p.sigungu is not None)
                                           for p in result.places)
        return region_match(agency, region) > 0

    def _ended(self, name: str, section: str, quoted: str, lang: str) -> str:
        """The sentence that says an application period quoted from section ``name`` has ended, or ``""``: the whole
        section when it is a period field (신청기한), else each labelled period line of the ``quoted`` text ("- 신청기한:
        …", "- Application period: …" inside 신청 방법, as the bundled pages write it), the latest end counting."""
        periods = [parse_period(section)] if _key(name) in PERIOD_SECTIONS else labelled_periods(quoted)
        notes = [(p.end, note) for p in periods if (note := ended_note(p, self.today(), lang)) and p.end is not None]
        if len(notes) != len(periods):  # one of the quoted periods is open or cannot be told: no ended sentence
            return ""
        return max(notes)[1] if notes else ""

    def _for_whom(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float], top: int = 5,
                  share: float = STAGE_SCORE_SHARE, regions: bool = True) -> Answer | None:
        """The services that answer the question, each with whom it is for, when every one is for people the question
        does not name; None otherwise.

        It is when the first hits are national services (no local government's), those among the first ``top`` that
        score ``share`` of the first's or more (one or more), and each one's title names a stage of life, a condition or a
        group the question names by none of its words (:func:`~assistant.knowledge.target_groups.unasked_stage`:
        임신·출산, 난임, 희귀질환, 의료급여 …). Quoting one of them as the answer would present a service for some
        people as the answer for anyone (s39 fresh-user probe: "병원비 너무 비싸요 지원되는거있나요" got 건강보험
        임신·출산 진료비 지원); the citizen is shown each with the first line of its eligibility section and asked
        which fits. Each is cited at its eligibility section. A region's service first counts too (for a group only,
        not a stage of life), unless ``regions`` is False (the services related to a benefit the documents lack)."""
        if not result.hits:
            return None
        asked = asked_words(result)
        first = result.hits[0].score
        # a region's service first: every strong hit counts, a national one open to all as much as another region's
        # (s52 probe: "아버지 장례비 지원 받을 수 있나요" was answered with 아산시's 국가보훈대상자 장례비 지원, alone
        # among the strong hits, as if for anyone's father)
        regional_first = bool(agency_regions(result.hits[0].doc.agency))
        if regional_first and not regions:
            # the services related to a benefit the documents lack keep the note that says so ("희망리턴패키지 폐업
            # 지원": 노란우산공제 희망장려금, for 소상공인, follows "'희망리턴패키지' 서비스는 제가 가진 자료에 없어요")
            return None
        strong = [h for h in result.hits[:top] if h.score >= share * first
                  and (regional_first or not agency_regions(h.doc.agency))]
        # (a region's programme for a stage of life the question leaves unnamed is still one of the kind asked about:
        # 출산양육지원금 for "애 키우는데 지원금 있나요?", whose region is asked; for a group only, it is not)
        unasked = narrow_group if regional_first else unasked_stage
        if not strong or any(unasked(h.doc.title, asked) is None for h in strong):
            return None
        return self._whom_listing(result, lang, score, signals, strong)

    def _whom_listing(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float],
                      hits: list[DocHit]) -> Answer:
        """Each of ``hits`` (services for particular people) named with the first line of its eligibility section and
        its link, each cited there, under a line asking which fits (:meth:`_for_whom`; regions' programmes for a group
        the question does not name: :meth:`_settle_choices`)."""
        if len(hits) == 1:
            # one service, for people the question does not name ("청소년 교통비 지원": 청소년산모 임신·출산 의료비
            # 지원 alone, s41 probe, quoted whole as if it were the answer)
            lines = ["The service I have for this is for particular people. Here is whom it is for; tell me if it fits "
                     "you and I'll give you the details." if lang == "en" else
                     "찾으신 지원에 맞는 안내는 대상이 정해진 서비스뿐이에요. 누가 받을 수 있는지 적어 드릴게요. 해당하시면 "
                     "말씀해 주세요. 자세히 안내해 드릴게요."]
        else:
            lines = ["The services I have for this are each for particular people. Here is whom each one is for; tell me "
                     "which fits you and I'll give you the details." if lang == "en" else
                     "찾으신 지원은 대상이 정해진 서비스들이에요. 서비스마다 누가 받을 수 있는지 적어 드릴게요. 해당하는 것을 "
                     "알려 주시면 자세히 안내해 드릴게요."]
        citations: list[Citation] = []
        for hit in hits:
            doc = self._pick_doc(result, hit)
            who = next((line.strip().lstrip("-○•· ").strip() for line in self._eligibility_text(doc).splitlines()
                        if line.strip().lstrip("-○•· ").strip()), "")
            lines.append(f"\n- {_named(doc, lang)}" + (f"\n  {_excerpt(who, WHO_LINE_CHARS)}" if who else "") + f"\n  {doc.url}")
            citations.append(self._cite(doc))
        return Answer("\n".join(lines), lang, tuple(citations), False, score, signals)

    def _said_besides_title(self, result: RetrievalResult, hit: DocHit) -> tuple[tuple[str, ...], str]:
        """``(terms, query)``: the question's terms and text without ``hit``'s title (in any of its languages) where
        the question holds it whole, else ``result``'s own. The aspects asked are read from what the citizen said
        about the service, not from its name: a follow-up's query is the service's title and the message ("사망자 및
        피후견인 재산조회 통합처리 신청(안심상속서비스) 온라인으로도 되나요?"), and a title's words cue aspects of their
        own (재산, 소득 and 세 cue who is eligible, 신청 how to apply)."""
        titles = sorted({d.title for d in (hit.doc, *hit.alternates) if d.title}, key=len, reverse=True)
        query = result.query
        for title in titles:
            query = query.replace(title, " ")
        if query == result.query:
            return result.terms, result.query
        return tuple(lexical_terms(self.tokenizer.tokenize(query))), query

    def _compose(self, result: RetrievalResult, lang: str, score: float, signals: dict[str, float], hit: DocHit,
                 also: list[DocHit], regional: list[DocHit] | None = None, unsaid: tuple[str, ...] = ()) -> Answer:
        """The answer quoted from ``hit``'s document, then ``also`` (other variants of its programme) listed and
        cited at their eligibility sections, then ``regional`` (local governments' versions of the same kind of help,
        beside a national answer) under a heading that says they are each for their own region's residents, each
        line naming its place. With ``unsaid`` (what the question asks that the page never speaks of:
        :meth:`_unsaid_of_named`), the answer says so first (:func:`unsaid_note`) and quotes whom to ask: the page's
        contact section, else how to apply (where its office is named)."""
        doc = self._pick_doc(result, hit)
        sections = self._sections(doc)
        by_key = {_key(name): name for name in sections}
        parts: list[tuple[str, str, str]] = []  # (aspect, section name, excerpt)
        terms, query = self._said_besides_title(result, hit)
        asked = _asked_aspects(terms, query)
        for aspect in _aspects(terms, query):
            limit = ASKED_EXCERPT_CHARS if aspect in asked else ELIGIBILITY_EXCERPT_CHARS if aspect == "eligibility" \
                else EXCERPT_CHARS
            for key in ASPECT_SECTIONS[aspect]:
                if key in by_key and all(by_key[key] != name for _a, name, _t in parts):  # each section quoted once
                    name = by_key[key]
                    parts.append((aspect, name, _excerpt(sections[name], limit)))
                    break
            if aspect == "eligibility" and aspect in asked and CRITERIA_SECTION in by_key \
                    and all(by_key[CRITERIA_SECTION] != name for _a, name, _t in parts):
                parts.append(("criteria", by_key[CRITERIA_SECTION], _excerpt(sections[by_key[CRITERIA_SECTION]], limit)))
        if unsaid:
            whom = [(aspect, by_key[key], _excerpt(sections[by_key[key]], ASKED_EXCERPT_CHARS))
                    for aspect in ("contact", "apply") for key in ASPECT_SECTIONS[aspect] if key in by_key]
            parts = whom[:1] or parts
        if not parts:
            best = next((c for c in self._doc_chunks.get(doc.doc_id, []) if c.section != TITLE_SECTION), None)
            if best is not None:
                parts.append(("overview", best.section, _excerpt(best.text)))
        head = _HEADINGS[lang]
        if lang == "en":
            lines = [_named(doc, lang)]
            # an English page that writes a Korean name or term inside its English text (유아학비 누리과정) is no Korean
            # quote: the note is for a Korean page quoted under English headings (s32: said over two English pages)
            if doc.language != "en" and quoted_in_korean(text for _a, _n, text in parts):
                lines.append(KOREAN_QUOTE_NOTE)
        else:
            lines = [_named(doc, lang) + " 안내예요."]
        if (missing := self.missing_service(result.query)) is not None:
            lines.insert(0, missing_note(missing, lang))
        if unsaid:
            lines.insert(0, unsaid_note(doc.title, unsaid, lang))
        for aspect, name, text in parts:
            lines.append(f"\n[{head[aspect]}]\n{text}")
            if note := self._ended(name, sections[name], text, lang):
                lines.append(note)  # a window that has ended is never quoted as if open (F9)
            lines += [used for p in use_periods(text) if (used := use_ended_note(p, self.today(), lang))]
        lines.append(_source_line(doc, lang))
        citations = [Citation(doc.doc_id, doc.title, doc.agency, doc.url, name, doc.updated_at) for _a, name, _t in parts]
        if also:
            others = [self._pick_doc(result, h) for h in also]
            lines.append("\n[" + ("Related services" if lang == "en" else "함께 확인할 서비스") + "]")
            lines += [f"- {d.title} ({d.agency}): {d.url}" for d in others]
            citations += [self._cite(d) for d in others]
        if regional:
            local = [self._pick_doc(result, h) for h in regional]
            lines.append("\n[" + ("Run by local governments, usually for their own residents only" if lang == "en"
                                   else "지역에서 운영하는 서비스(대개 그 지역 주민만 받을 수 있어요)") + "]")
            lines += [f"- {d.title} ({place_for_language(' '.join(agency_regions(d.agency)), lang)}): {d.url}" for d in local]
            citations += [self._cite(d) for d in local]
        listed = tuple(dict.fromkeys(" ".join(agency_regions(h.doc.agency)) for h in regional or []))
        return Answer("\n".join(lines), lang, tuple(citations), False, score, signals, listed_regions=listed)
