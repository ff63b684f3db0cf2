"""Which catalogue service an English request names ("apply for the energy voucher" → 에너지바우처), found with the
knowledge retriever instead of a second table of English service names (issue #5).

The catalogue's titles are Korean, so :class:`~connectors.tasks.dialogue.ServiceNames` (title matching) finds no
service in an English message. :class:`ServiceSearch` asks the knowledge retriever
(:class:`~assistant.knowledge.retriever.HybridRetriever`: BM25 over the Korean terms the bilingual glossary gives
for English phrases, fused with dense e5 search), then keeps only the retrieved catalogue services whose *title*
holds one of those Korean terms, and only terms that are specific: present in at most
:data:`SPECIFIC_SHARE` of the catalogue's titles (computed over the catalogue loaded, so 지원 or 수당, in hundreds
of titles, never names a service; 에너지바우처, in one, does), the longest English phrase first ("energy voucher"
names 에너지바우처 before "voucher" names every 바우처). The words of the request itself (``apply``,
``application`` ...: :data:`REQUEST_WORDS`) are what the ``apply_service`` intent says, not a name, and are
skipped. No candidate: the conversation asks for the service's name, as before; one: its checklist is shown and
the citizen confirms before anything is submitted; several: the citizen chooses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from connectors.tasks.dialogue import ServiceRef

logger = logging.getLogger(__name__)

#: English words of the request, not of a service (their glossary terms, e.g. 신청, are never a name).
REQUEST_WORDS = frozenset({"apply", "application", "applications", "applying", "register", "registration", "sign up",
                           "request", "claim"})
#: A Korean term names a service only when at most this share of the catalogue's titles hold it (at least one title).
SPECIFIC_SHARE = 0.01
#: Documents retrieved per request.
TOP_K = 10


class KnowledgeSearch(Protocol):
    """The knowledge retriever's surface used here (:meth:`HybridRetriever.run`)."""

    def run(self, query: str, k: int = ...) -> Any:
        """A :class:`~assistant.knowledge.retriever.RetrievalResult` (``hits``, ``translations``); the retriever's
        ``glossary`` (:class:`~assistant.knowledge.glossary.Glossary`), when it has one, gives the Korean terms."""
        ...


class ServiceSearch:
    """Catalogue services an English request names, through the knowledge retriever (see the module docstring).

    Args:
        retriever: the retriever, or a callable that loads it on first use (``None`` result: no search).
        k: documents retrieved per request.
    """

    def __init__(self, retriever: KnowledgeSearch | Callable[[], KnowledgeSearch | None] | None, k: int = TOP_K) -> None:
        self._retriever = retriever
        self.k = k
        self._warned = False

    def retriever(self) -> KnowledgeSearch | None:
        """The retriever: the one given, or what the loader returns now (asked at each search, so the engine's
        current retriever is followed, :func:`connectors.shared.knowledge_retriever`); a failure to load is logged
        once and means no search this time."""
        r = self._retriever
        if r is None or hasattr(r, "run"):
            return r
        try:
            return r()
        except Exception as e:  # noqa: BLE001 - no index here: apply asks for the name instead
            if not self._warned:
                self._warned = True
                logger.warning("knowledge retriever unavailable for service names",
                               extra={"stage": "action", "error": type(e).__name__})
            return None

    def find(self, text: str, docs: Mapping[str, Any]) -> list[ServiceRef]:
        """The services ``text`` names, best retrieved first.

        Args:
            text: the citizen's message (English; a Korean one gives no glossary terms and so no candidate).
            docs: the catalogue's documents by 서비스ID (``title``, ``agency``, ``doc_id``).

        Returns:
            Candidates (empty: none named).
        """
        retriever = self.retriever()
        if retriever is None or not docs or not text.strip():
            return []
        result = retriever.run(text[:2000], k=self.k)
        titles = [str(d.title) for d in docs.values()]
        limit = max(1, int(len(titles) * SPECIFIC_SHARE))
        # the longest English phrase first ("energy voucher" before "voucher"): the first that names services wins
        # the retriever's own glossary, as written (에너지바우처), not the morphemes it searched with (에너지, 바우처)
        glossary = getattr(retriever, "glossary", None)
        pairs = glossary.matches(text[:2000]) if glossary is not None else getattr(result, "translations", ())
        phrases = sorted(((p, list(ts)) for p, ts in pairs if p not in REQUEST_WORDS), key=lambda pt: -len(str(pt[0]).split()))
        for _phrase, terms in phrases:
            specific = [t for t in terms if 0 < sum(t in title for title in titles) <= limit]
            if specific and (out := self._named(result, docs, specific)):
                return out
        return []

    def retrieved(self, text: str, docs: Mapping[str, Any], limit: int) -> list[ServiceRef]:
        """The catalogue services retrieved for ``text``, best first, at most ``limit`` (empty without a retriever):
        the choices offered when what :meth:`find` named is one local government's service and the citizen's place
        is not known to be served by it (s45 probe: "apply for the infertility treatment support" went to 경상북도's
        남성 난임시술 지원, though the national 난임부부 시술비 지원 exists)."""
        retriever = self.retriever()
        if retriever is None or not docs or not text.strip():
            return []
        out: list[ServiceRef] = []
        for hit in getattr(retriever.run(text[:2000], k=self.k), "hits", ()):
            d = docs.get(str(hit.doc.service_id or "")) or docs.get(str(hit.doc.doc_id))
            if d is not None and all(s.service_id != d.doc_id for s in out):
                out.append(ServiceRef(str(d.doc_id), str(d.title), str(d.agency or "")))
        return out[:limit]

    @staticmethod
    def _named(result: Any, docs: Mapping[str, Any], terms: list[str]) -> list[ServiceRef]:
        """The retrieved catalogue services whose title holds one of ``terms``, best retrieved first."""
        out: list[ServiceRef] = []
        for hit in getattr(result, "hits", ()):
            for info in (hit.doc, *hit.alternates):
                d = docs.get(str(info.service_id or "")) or docs.get(str(info.doc_id))
                if d is not None and any(t in d.title for t in terms):
                    if all(s.service_id != d.doc_id for s in out):
                        out.append(ServiceRef(str(d.doc_id), str(d.title), str(d.agency or "")))
                    break
        return out


def load_retriever(settings: Any) -> KnowledgeSearch:
    """A new knowledge retriever over ``settings.index_dir`` (what ``assistant serve`` answers from), with the
    configured embedder. Connectors take :func:`connectors.shared.knowledge_retriever` instead: the engine's when
    it runs in the process, else one loaded by this function and kept.

    Raises:
        ModelNotFoundError: no index there (or built with another embedder).
    """
    from assistant.errors import ModelNotFoundError
    from assistant.knowledge.embedder import make_embedder
    from assistant.knowledge.index import load_index
    from assistant.knowledge.retriever import HybridRetriever
    from assistant.nlu.tokenizer import KoreanTokenizer

    index = load_index(settings.index_dir)  # first: no index fails before the encoder is loaded
    embedder = make_embedder(settings.embedder, settings.embed_threads)
    if index.embedder_name != embedder.name:
        raise ModelNotFoundError(f"the index was built with {index.embedder_name}, not {embedder.name}")
    retriever = HybridRetriever(index, embedder, KoreanTokenizer())
    retriever.warm_up()
    return retriever


#: The request around a service's name ("… 신청할래요", "… 신청하고 싶어요", "I want to apply for …"): removed to leave
#: the name. Korean: the object particle, then 신청/접수 and any ending; English: the lead-in up to "apply for".
_KO_REQUEST = re.compile(r"\s*(?:을|를)?\s*(?:좀\s*)?(?:신청|접수)\s*(?:[가-힣\s]{0,12})[.!?~]*\s*$")
_EN_REQUEST = re.compile(r"^\s*(?:(?:hi|hello|please)[,!]?\s+)?(?:i(?:'d| would)? (?:like|want|wanna|need) to |can i |could i |"
                         r"how (?:do|can) i |let me |i wanna |please )?(?:apply|register|sign up)(?: for| to)?\s+(?:the |a |an )?",
                         re.IGNORECASE)
#: What is left when the message named no service ("신청할래요", "서비스 신청하고 싶어요", "I want to apply").
#: Words said before a name that are no part of it ("그럼 청년도약계좌", "그래도 신청해 주세요", "ok then …"): dropped from
#: the front of a name, and no name when said alone.
LEAD_WORDS = ("그럼", "그러면", "그래서", "그래도", "그냥", "아", "어", "음", "저", "저기", "저기요", "그", "뭐더라", "혹시",
              "일단", "바로", "빨리", "얼른", "지금", "네", "예", "응", "ok", "okay", "so", "then", "now")
_NO_NAME = frozenset({"", "서비스", "그거", "이거", "저거", "그 서비스", "이 서비스", "지원", "혜택", "도움", "상담", "돈", "지원금",
                      "it", "this", "that",
                      "something", "a service", "the service", "service", "benefit", "benefits", *LEAD_WORDS})


def requested_name(text: str) -> str | None:
    """The service name a request to apply gives, when it gives one: "미혼모 의료비 지원 신청할래요" → "미혼모 의료비
    지원", "I want to apply for the energy voucher" → "energy voucher"; ``None`` for a request that names nothing
    ("신청하고 싶어요", "I want to apply", a button payload) or no request at all (the text is not "… 신청 …" /
    "apply for …"). Used when no catalogue service matched, to say that *this* service cannot be applied for here
    instead of asking for a name already given (fresh-user s10 #2).

    Example:
        >>> requested_name("미혼모 의료비 지원 신청할래요"), requested_name("신청할래요"), requested_name("Apply for the energy voucher")
        ('미혼모 의료비 지원', None, 'energy voucher')
        >>> requested_name("홍길동 <phone> 기초연금 신청")
        '기초연금'
        >>> requested_name("도움 신청할래요"), requested_name("상담 신청하고 싶어요")
        (None, None)
        >>> requested_name("그럼 청년도약계좌 신청해줘"), requested_name("어머니 대신 기초연금 신청하고 싶어요")
        ('청년도약계좌', '기초연금')
        >>> requested_name("저 부산 강서구 사는데 출산지원금 신청할래요"), requested_name("그 뭐더라 난임 시술비 신청")
        ('출산지원금', '난임 시술비')
        >>> requested_name("그래도 신청해 주세요"), requested_name("네 신청해 주세요")
        (None, None)
    """
    t = text.strip()
    if not t or t.startswith("/"):
        return None
    ko = _KO_REQUEST.sub("", t)
    name = ko if ko != t else _EN_REQUEST.sub("", t)
    if name == t:
        return None
    # a masked personal datum (``<phone>``, ``<rrn>`` …) and whatever comes before it (often the citizen's own name:
    # "홍길동 <phone> 기초연금 신청", s38 probe, was told "'홍길동 <phone> 기초연금': …") are no part of the name
    name = re.split(r"<[a-z_]+>", name)[-1]
    # what is said before the name: where the citizen lives, for whom, a discourse word ("저 부산 강서구 사는데 …",
    # "어머니 대신 …", "그럼 …": s45 probe, "'그럼 청년도약계좌'라는 이름의 서비스는 …")
    name = _BEFORE_NAME.split(name)[-1]
    while (m := _LEAD_WORD.match(name)) and m.end() < len(name):
        name = name[m.end():]
    name = name.strip(" .,!?~'\"").strip()
    name = re.sub(r"(?:을|를)$", "", name).strip()
    return None if name.lower() in _NO_NAME or len(name) < 2 or len(name) > 60 else name


#: a clause before the name that says where the citizen lives, who they are or for whom they apply, ending a word
#: followed by a space: "(부산) 사는데", "(67살)인데", "(전주 살)고", "(어머니) 대신", "(아이를) 위해서"
_BEFORE_NAME = re.compile(r"(?:사는데|살거든요|살아서|살고|사는|인데요?|이고|는데요?|대신(?:에)?|위해서?|때문에)[,.]?\s+")
#: one of :data:`LEAD_WORDS` at the front of a name, and the space after it
_LEAD_WORD = re.compile(r"(?:" + "|".join(sorted(map(re.escape, LEAD_WORDS), key=len, reverse=True)) + r")[,.]?\s+", re.I)
