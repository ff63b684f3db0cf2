"""A bilingual glossary for cross-language lexical retrieval (English question → Korean terms).

Dictionary-based query translation is the classic answer to cross-language
retrieval without a machine-translation model (Ballesteros & Croft 1997,
"Phrasal translation and query expansion techniques for cross-language
information retrieval", SIGIR). The glossary is a YAML file the operator can
extend (``glossary_en_ko.yaml``: ``terms: {english phrase: [korean terms]}``);
phrases of up to four words are matched longest first.

Lemma matching (s22, opt-in: ``Glossary(..., lemmas=True)``, ``Glossary.load(path, lemmas=True)``,
``default_glossary(lemmas=True)``; off by default, see below): a phrase written in its base form also matches its
inflections ("start a business" matches "started my business", "child" matches "children"): the question's words are lemmatised (simplemma's English dictionary, shipped inside its
PyPI package, MIT licence), a determiner (a, the, my, their …) matches any other determiner, and "own" after a
determiner is passed over ("started my own company"). A word alone is read through its lemma only as a noun's
plural or possessive ("children", "daughter's"): a verb form alone ("working" → "work", 일자리) is too weak a cue.
Only the question's
side is lemmatised: a glossary phrase written inflected ("aids", "glasses", "minors", "screening") matches only as
written, so its sense never reaches its base word ("hearing aid" is no 에이즈, "a minor injury" no 미성년자). Two kinds
of inflection are never read as their base: comparatives and superlatives ("older" is no "old": 노인 for "my older
brother" was a real fault, s21) and the words of the glossary's ``exact:`` list, whose inflections mean something
else ("trained" is no "train", 철도; "booked" no "book", 도서).

Why it is off by default (measured s22, bench/retrieval_gov24.py and bench/abstention.py on the 1,097-service catalogue):
retrieval of the English sets does not move (twins, English citizen and the blind held-out set, hybrid, identical),
but more English words now translate ("lawyers" → 변호사, "scholarships" → 장학금), so the English answerability gate,
fitted on phrase-as-written features, answers more out-of-scope English: CLINC150 oos_test answered 9 → 11/1000 with
it (and the ranking weight ``w_lex_english`` 0.5, also opt-in). Turning it on needs the English gate refitted on its
features (bench/fit_answerability_gate.py --language en) and an abstention run; with it on, the glossary's 151
inflected copies ("gave birth", "had a baby", "started my company" …) become redundant.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import simplemma
import yaml

from assistant.errors import InvalidConfigError

DEFAULT_GLOSSARY = Path(__file__).resolve().parent / "glossary_en_ko.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a mapping with the same key twice (PyYAML keeps the last one silently, so an
    operator's new entry could replace an earlier one unseen)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
MAX_PHRASE_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def _words(text: str) -> list[str]:
    """The words of ``text`` as phrases are matched: lower case, split at anything but letters, digits and an
    apostrophe inside a word (so hyphens and slashes split)."""
    return _WORD.findall(text.lower().replace("’", "'"))


#: the words before "-free" that make it "free of charge" ("fee-free", "toll-free", "rent-free"); after any other word
#: "-free" means "without it" ("pesticide-free" rice, "smoke-free", "gluten-free"), not 무료 (see :func:`suffix_free`)
PRICE_WORDS = frozenset({"fee", "fees", "cost", "costs", "charge", "charges", "toll", "tolls", "rent", "tuition", "fare",
                         "fares", "price", "payment", "payments", "commission", "admission", "postage", "ticket",
                         "subscription", "royalty", "premium", "premiums", "interest", "tax", "duty", "levy"})


def suffix_free(text: str) -> frozenset[int]:
    """The indexes (in :func:`_words`'s list) of each "free" written as the suffix of a compound whose first word is
    no price ("pesticide-free", "smoke-free", "gluten-free": without pesticide, smoke, gluten), whose "free" does not
    mean free of charge. A "free" after a price word ("fee-free", "toll-free") or standing alone ("free school meals")
    is not one.

    Example:
        >>> text = "Is pesticide-free rice sold free of charge? Are toll-free calls fee-free?"
        >>> [_words(text)[j] for j in sorted(suffix_free(text))], sorted(suffix_free(text))
        (['free'], [2])
    """
    lowered = text.lower().replace("’", "'")
    spans = list(_WORD.finditer(lowered))
    out = set()
    for j, m in enumerate(spans):
        if m.group() != "free" or not j:
            continue
        before = spans[j - 1]
        joined = before.end() + 1 == m.start() and lowered[before.end()] in "-‐‑–"
        if joined and before.group() not in PRICE_WORDS:
            out.add(j)
    return frozenset(out)


def edit_distance(a: str, b: str) -> int:
    """The optimal-string-alignment distance of ``a`` and ``b``: insertions, deletions, substitutions and swaps of two
    neighbouring letters, each 1 (Damerau 1964; "vouchr" → "voucher" 1, "chidlcare" → "childcare" 1). Own code: a dozen
    lines over words of at most twenty letters, where a fuzzy-matching library would be a dependency for one loop.

    Example:
        >>> edit_distance("vouchr", "voucher"), edit_distance("chidlcare", "childcare"), edit_distance("apply", "apple")
        (1, 1, 1)
    """
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def phrase_words(phrase: str) -> str:
    """A glossary phrase as the words a question is read into, joined by single spaces ("C-section" → "c section",
    "k-12" → "k 12"); empty when it has no word."""
    return " ".join(_words(phrase))


#: words that stand for one another inside a glossary phrase ("started my company" = "started a company")
DETERMINERS = frozenset({"a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "this", "that"})
_DET = "<det>"
#: irregular comparatives and superlatives (simplemma reads "elder" as "old", "better" as "good")
_IRREGULAR_DEGREE = frozenset({"elder", "eldest", "better", "best", "worse", "worst", "more", "most", "less", "least",
                               "further", "furthest", "farther", "farthest"})


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The English lemma of one lower-case ``word`` ("started" → "start", "children" → "child", "gave" → "give"), or
    the word itself when it is a comparative or superlative ("older", "younger", "elder", "best": a different meaning
    from the base for a glossary, "my older brother" is not "old") or not in simplemma's dictionary.

    Deterministic and offline: simplemma's English dictionary ships inside its PyPI package (MIT licence); about 1 µs
    a word once loaded (the first call loads it, about 0.4 s).

    Example:
        >>> [lemma(w) for w in ("started", "companies", "had", "older", "elder", "children's")]
        ['start', 'company', 'have', 'older', 'elder', 'child']
    """
    if word in _IRREGULAR_DEGREE:
        return word
    base = simplemma.lemmatize(word, lang="en").lower()
    if base != word and word.endswith(("er", "est")):
        return word  # a comparative or superlative ("older", "lowest"), or a noun simplemma reads as one
    return base
#: how the Korean name of a benefit ends (기초연금, 아동수당, 실업급여, 에너지바우처, 근로장려금 …). 임대주택 and 임대
#: (s35): "국민임대주택 신청하려면 어떻게 해요?" was answered with 기존주택 전세임대주택 as if it were the programme asked
#: about; a rental programme is named like a benefit (국민임대주택, 공공임대주택).
SERVICE_NAME_END = re.compile(r"(?:연금|수당|급여|바우처|장려금|지원금|보조금|장학금|임대주택|임대)$")
#: Benefits named by a word that ends unlike :data:`SERVICE_NAME_END` and is the name by itself: 보육료 (the
#: 어린이집 fee the state pays; s36 second probe: "어린이집 보육료 지원 받을 수 있나요?" was answered with 아이돌봄
#: 서비스 as if it were it).
LONE_SERVICE_NAMES = frozenset({"보육료"})


#: A life event that implies the benefit it is told for, though no name is said: losing one's job implies 실업급여
#: (구직급여). s42 probe: "회사에서 짤렸어요ㅠㅠ 뭐 받을 수 있는거 있나요" and "I lost my job yesterday" were answered
#: with 조기재취업수당 as if it were what they can get (it is for those already back at work). ``(pattern, name,
#: its names)``: the names tell whether the documents have the benefit (:meth:`Glossary.named_service`'s shape).
IMPLIED_BENEFITS: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = (
    (re.compile(r"(?:회사|직장|일자리|알바|공장)\s*(?:에서|를|을)?\s*(?:짤렸|잘렸|짤림|잘림|쫓겨났|그만두게\s*됐)"
                r"|(?<![가-힣])짤렸어|해고\s*(?:당했|됐|되었|통보)|실직\s*(?:했|하였|됐|당했|상태|중)|권고\s*사직"
                # leaving a job by one's own will too (s57 probe: "퇴사하면 뭐 받아요" answered 사립학교 교직원
                # 퇴직수당, for private school staff only); whether 구직급여 is paid then is the job centre's call
                r"|퇴사\s*(?:했|하였|하면|하고|하는|한|할|해서|해도|후|예정|당했|됐)"
                r"|(?:회사|직장|일자리|일|알바)\s*(?:를|을)?\s*(?:그만\s*두|그만\s*뒀|관두|관뒀)"
                r"|\b(?:lost|losing)\s+(?:my|our|his|her)\s+job\b|\b(?:got|was|been|being)\s+(?:fired|laid\s+off|let\s+go)\b"
                r"|\b(?:quit|quitting|left|leaving)\s+(?:my|our|his|her)\s+(?:job|company)\b"
                r"|\bunemployed\b", re.I),
     "실업급여", frozenset({"실업급여", "구직급여"})),
    # s43 probe: a need that names a benefit by what it is for, answered with 산림복지서비스이용권 (its 지원대상 lists
    # 기초생활수급자 and 장애인연금 수급자) or 조기재취업수당 as if it were the one asked about
    (re.compile(r"(?:기초\s*생활\s*)?수급자\s*(?:신청|되려면|되고\s*싶|되는\s*법|자격\s*(?:이|은|조건))|기초\s*생활\s*(?:보장|수급)[가-힣]{0,2}\s*(?:신청|자격|대상|받|되)"
                r"|\bapply\s+for\s+(?:basic\s+)?(?:livelihood|welfare)\s+(?:benefit|assistance|support)", re.I),
     # not 기초생활수급: titles name the 수급자 as whom a local service is for ("기초생활수급자 종량제 봉투 지원"), and
     # that held the benefit as if it were there (s44 probe)
     "기초생활보장", frozenset({"기초생활보장", "생계급여"})),
    (re.compile(r"(?:장애인\s*)?활동\s*지원\s*(?:서비스|급여|사)?\s*(?:신청|받|자격|대상|시간|본인\s*부담|어떻게)"
                r"|\b(?:disability\s+)?(?:personal\s+)?(?:activity|care)\s+(?:support|assistance)\s+service\b", re.I),
     "장애인활동지원", frozenset({"장애인활동지원", "활동지원"})),
    (re.compile(r"(?:취준생|취업\s*준비생|취업\s*준비\s*중|구직\s*중)\S*\s*[^.?!\n]{0,16}?(?:돈|지원금|수당|지원)\s*(?:주는|받을|나오|있)"
                r"|\bjob\s+seekers?\b[^.?!]{0,30}?\b(?:allowance|money|cash|benefit)\b", re.I),
     "국민취업지원제도", frozenset({"국민취업지원제도", "구직촉진수당", "청년구직활동지원금"})),
)


def implied_benefit(text: str) -> tuple[str, frozenset[str]] | None:
    """The benefit a life event told in ``text`` implies (:data:`IMPLIED_BENEFITS`), as ``(name, its names)``, or None.

    >>> implied_benefit("회사에서 짤렸어요ㅠㅠ 뭐 받을 수 있는거 있나요")[0], implied_benefit("I lost my job yesterday")[0]
    ('실업급여', '실업급여')
    >>> implied_benefit("조기재취업수당 받을 수 있나요"), implied_benefit("머리카락이 잘렸어요 미용실에서") is None
    (None, True)
    """
    found = implied_benefit_at(text)
    return None if found is None else (found[0], found[1])


def implied_benefit_at(text: str) -> tuple[str, frozenset[str], tuple[int, int]] | None:
    """:func:`implied_benefit` with where ``text`` tells the event: ``(name, its names, (start, end))``, or None.

    >>> implied_benefit_at("다음 달 퇴사하면 뭐 받아요")[2]
    (5, 9)
    """
    for pattern, name, names in IMPLIED_BENEFITS:
        if (m := pattern.search(text)) is not None:
            return name, names, m.span()
    return None


#: The benefits of :data:`IMPLIED_BENEFITS` whose pattern tells a life event (losing or leaving a job), not a need
#: said in other words (수급자 신청, 활동지원 신청, 취준생 … 돈 주는: those spans are what is asked about).
TOLD_EVENT_BENEFITS = frozenset({"실업급여"})


def told_event_at(text: str) -> tuple[int, int] | None:
    """Where ``text`` tells a life event that implies a benefit (:func:`implied_benefit_at` of one of
    :data:`TOLD_EVENT_BENEFITS`), as ``(start, end)`` character offsets, or None.

    >>> told_event_at("회사 그만두고 창업하려는데 지원 있어요?"), told_event_at("수급자 신청 어떻게 해요?")
    ((0, 6), None)
    """
    found = implied_benefit_at(text)
    return found[2] if found is not None and found[0] in TOLD_EVENT_BENEFITS else None


def _read_terms(path: Path, what: str, mapping: str, non_empty: bool) -> dict[str, list[str]]:
    """The ``terms:`` mapping of a glossary YAML file (both glossaries share this reading): ``{key: [strings]}``.

    Raises:
        InvalidConfigError: missing file, bad YAML, a key given twice, no ``terms:`` mapping, or a value that is not a
            list of strings (``non_empty``: a non-empty list of non-blank strings).
    """
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}  # noqa: S506 (a SafeLoader)
    except (OSError, yaml.YAMLError) as e:
        raise InvalidConfigError(f"{path}: cannot read the {what}: {e}") from e
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, dict):
        raise InvalidConfigError(f"{path}: expected 'terms:' mapping {mapping}")
    for k, v in terms.items():
        ok = isinstance(v, list) and all(isinstance(x, str) and (x.strip() or not non_empty) for x in v)
        if not ok or (non_empty and not v):
            raise InvalidConfigError(f"{path}: the value of {k!r} must be a {'non-empty ' if non_empty else ''}list of strings")
    return {str(k): v for k, v in terms.items()}


def noun_inflection(word: str, base: str) -> bool:
    """Whether ``word`` reads as a plural or possessive of the noun ``base`` (its :func:`lemma`): ``-s``, ``-es``,
    ``-ies``, ``'s``, ``s'`` endings, and the plurals in ``-men`` and ``-ren`` (women, children). A verb form
    (``-ing``, ``-ed``, an irregular past such as "lent") is not.

    Example:
        >>> [noun_inflection(w, lemma(w)) for w in ("babies", "children", "women", "daughter's", "working", "lent")]
        [True, True, True, True, False, False]
    """
    return word != base and (word.endswith(("s", "'s", "s'")) or word.endswith(("men", "ren")) and base.endswith(("man", "child")))


class Glossary:
    """English words and phrases mapped to Korean search terms.

    Example:
        >>> g = Glossary({"energy voucher": ["에너지바우처"], "heating": ["난방"]})
        >>> g.translate("How do I apply for the energy voucher for heating?")
        ['에너지바우처', '난방']
    """

    def __init__(self, terms: dict[str, list[str]], exact: frozenset[str] | set[str] = frozenset(),
                 lemmas: bool = False, plurals: bool = False) -> None:
        """``terms``: ``{English phrase: [Korean terms]}``; ``exact``: phrases matched only as written, never through
        the lemma of a question's word (their inflections mean something else: "trained" is no "train"); ``lemmas``:
        match phrases over lemmas and determiners as well (module docstring; off: phrases match only as written);
        ``plurals``: a phrase also matches with its last word in the plural (:meth:`_plural_match`). Off by default:
        measured in s29 on the catalogue home with the s29 glossary, hybrid MRR@10 of the fresh English dev set 3
        .688 → .722, en_dev2 .822 → .829, en_dev and the twins unchanged, but bench/abstention.py answered worse: an
        English citizen question cited another service (correct 15 → 14 of 15), one more twin and one more CLINC150
        out-of-scope question answered wrongly (oos_test 9 → 10 of 1,000), one more blind held-out question right."""
        self.lemmas = lemmas
        self.plurals = plurals
        # a phrase is kept as the words a question is read into (:func:`phrase_words`): "c-section" is "c section",
        # as "I had a c-section" is read, so a hyphenated phrase matches (it never did as written); where two
        # phrases read the same, the first in file order wins, as for shapes below
        self.terms: dict[str, list[str]] = {}
        for k, v in terms.items():
            key = phrase_words(k)
            if key and key not in self.terms:
                self.terms[key] = list(v)
        self.exact = frozenset(phrase_words(k) for k in exact)
        # each phrase as a tuple of words, its determiners one placeholder; the first phrase of a shape wins (file
        # order), so a later "started my company" never changes what "started a company" gave
        self._shapes: dict[tuple[str, ...], list[str]] = {}
        for k, v in self.terms.items():
            if k not in self.exact:
                self._shapes.setdefault(tuple(_DET if w in DETERMINERS else w for w in k.split()), list(v))

    @classmethod
    def load(cls, path: Path = DEFAULT_GLOSSARY, lemmas: bool = False) -> Glossary:
        """Read a glossary YAML file (``terms:`` and an optional ``exact:`` list of phrases matched only as written).

        Raises:
            InvalidConfigError: missing file, bad YAML, an English phrase given twice (also as two spellings read as the
                same words, "low income" and "low-income"), a value that is not a list of strings, or an ``exact:``
                phrase that is not a glossary phrase.
        """
        terms = _read_terms(path, "glossary", "English phrases to lists of Korean terms", non_empty=False)
        read_as: dict[str, str] = {}
        for k in terms:
            other = read_as.setdefault(phrase_words(k), k)
            if other != k:
                raise InvalidConfigError(f"{path}: the phrases {other!r} and {k!r} are read as the same words "
                                         f"({phrase_words(k)!r}): give it once")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:  # pragma: no cover - _read_terms read the same file
            raise InvalidConfigError(f"{path}: cannot read the glossary: {e}") from e
        exact = data.get("exact") or []
        if not isinstance(exact, list) or not all(isinstance(x, str) for x in exact):
            raise InvalidConfigError(f"{path}: 'exact:' must be a list of glossary phrases")
        unknown = [x for x in exact if phrase_words(x) not in read_as]
        if unknown:
            raise InvalidConfigError(f"{path}: 'exact:' names phrases the glossary lacks: {unknown}")
        return cls(terms, frozenset(exact), lemmas=lemmas)

    def _shape_match(self, words: list[str]) -> list[str] | None:
        """The Korean terms of the glossary phrase that ``words`` say in another form, or ``None``: each word as
        written or as its :func:`lemma`, a determiner as any determiner; the question's words as written first. A
        word alone is read through its lemma only when it is a noun's plural or possessive (:func:`noun_inflection`):
        a verb form alone is too weak a cue ("I'm in my late 20s, working, and ..." searched 일자리 through "work"
        and lost its savings account page, 1st → 7th on the English twins); inside a phrase the other words give
        the sense ("lost my job", "gave birth")."""
        if len(words) == 1:
            w = words[0]
            return self._shapes.get((lemma(w),)) if lemma(w) != w and noun_inflection(w, lemma(w)) else None
        options = [((_DET,) if w in DETERMINERS else (w, lemma(w)) if lemma(w) != w else (w,)) for w in words]
        shapes: list[tuple[str, ...]] = [()]
        for opts in options:
            shapes = [s + (o,) for s in shapes for o in opts]
        for shape in shapes:
            if shape in self._shapes:
                return self._shapes[shape]
        return None

    def _plural_match(self, words: list[str]) -> list[str] | None:
        """The Korean terms of the phrase that ``words`` say with their last word in the plural (or possessive), or
        ``None``: "feed additives" says "feed additive", "apple trees" "apple tree" (an English noun phrase ends in its
        head noun). Only a noun's inflection counts (:func:`noun_inflection`), never a verb's, and never for an
        ``exact:`` phrase."""
        w = words[-1]
        base = lemma(w)
        if base == w or not noun_inflection(w, base):
            return None
        key = " ".join([*words[:-1], base])
        return None if key in self.exact else self.terms.get(key)

    def matches(self, text: str) -> list[tuple[str, list[str]]]:
        """The glossary phrases found in ``text`` (longest first, left to right) with their Korean terms.

        Returns ``[(the phrase as the text says it, Korean terms)]``. At each place, the longest span that says a
        glossary phrase wins: as written, else (with ``lemmas``) through lemmas and determiners (see the module
        docstring). No phrase starts at the "free" of a compound such as "pesticide-free" (:func:`suffix_free`): it
        means "without", not free of charge, and the phrase before it is read as the compound, each Korean term
        with the prefix 무 ("without": pesticide 농약 → "pesticide free" 무농약, the catalogue's word). Deterministic; about 2-16 dictionary look-ups per span.

        Example:
            >>> g = Glossary({"start a business": ["창업"], "child": ["아동"]}, lemmas=True)
            >>> g.matches("I started my business and have two children")
            [('started my business', ['창업']), ('children', ['아동'])]
            >>> Glossary(g.terms).matches("I started my business and have two children")
            []
        """
        said = _words(text)
        # "own" after a determiner says nothing a phrase needs ("started my own company" = "started my company")
        at = [j for j, w in enumerate(said) if not (self.lemmas and w == "own" and j and said[j - 1] in DETERMINERS)]
        words = [said[j] for j in at]
        # no phrase starts at the "free" of "pesticide-free" ("without pesticide", not 무료; see suffix_free): the
        # phrase just before it becomes the compound, each Korean term with 무 ("without") before it (농약 → 무농약)
        without = suffix_free(text) if "free" in words else frozenset()
        found: list[tuple[str, list[str]]] = []
        last_end = -1  # the index in ``said`` of the last word of the last phrase found
        i = 0
        while i < len(words):
            if at[i] in without:
                if found and last_end == at[i] - 1:
                    before, its_terms = found[-1]
                    found[-1] = (f"{before} free", [f"무{k}" for k in its_terms])
                i += 1
                continue
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                korean = self.terms.get(" ".join(words[i : i + n]))
                if korean is None and self.plurals:
                    korean = self._plural_match(words[i : i + n])
                if korean is None and self.lemmas:
                    korean = self._shape_match(words[i : i + n])
                if korean is not None:
                    found.append((" ".join(said[at[i] : at[i + n - 1] + 1]), korean))
                    last_end = at[i + n - 1]
                    i += n
                    break
            else:
                i += 1
        return found

    def named_service(self, text: str) -> tuple[str, frozenset[str]] | None:
        """The benefit the message names by a glossary name, or ``None``.

        Korean names (terms of at least 3 characters ending like a benefit, :data:`SERVICE_NAME_END`, and more than
        that ending alone: 지원금 or 바우처 by itself names no benefit; or one of :data:`LONE_SERVICE_NAMES`) are found in
        ``text`` without spaces, longest first; English phrases through :meth:`matches`. Returns ``(the name as
        written or its first Korean term, every Korean benefit name the glossary gives with it)``: the synonyms
        (실업급여 comes with 구직급여), so a caller can tell whether its documents have the benefit under any name.

        An English phrase whose entry also gives a Korean word that is no benefit name and not part of one describes
        a kind of help rather than naming a benefit ("rent support": 월세, 주거급여): that word counts among the
        synonyms, so documents holding it (청년 월세 지원) have what the citizen asked for. A word inside a name is the
        name's head, not another way of saying it ("state pension": 국민연금, 연금; 연금 alone would match 기초연금).
        Without this, "Is there rent support …?" was answered "I have no service called '주거급여'" (s32).

        Example:
            >>> g = Glossary({"unemployment benefit": ["구직급여", "실업급여"]})
            >>> name, names = g.named_service("실업급여 신청 방법")
            >>> name, sorted(names)
            ('실업급여', ['구직급여', '실업급여'])
            >>> g.named_service("How do I get unemployment benefit?")[0]
            '구직급여'
        """
        groups = self._service_groups()
        compact = re.sub(r"\s+", "", text)
        for name in sorted(groups, key=len, reverse=True):
            if name in compact:
                return name, groups[name]
        for _phrase, korean in self.matches(text):
            names = [t for t in korean if t in groups]
            if names:
                described = {t for t in korean if t not in groups and not any(t in n for n in names)}
                return names[0], frozenset().union(*(groups[n] for n in names), described)
        return None

    def _service_groups(self) -> dict[str, frozenset[str]]:
        """``{Korean benefit name: the benefit names of every glossary entry that holds it}``."""
        if not hasattr(self, "_groups"):
            groups: dict[str, set[str]] = {}
            for korean in self.terms.values():
                # a bare ending (지원금, 보조금, 바우처, 장학금) is the general word for help, not a benefit's name:
                # "애 낳으면 지원금 있어요?" named no service, yet the answer began "'지원금' 서비스는 … 없어요" (s13)
                names = {t for t in korean if (len(t) >= 3 and SERVICE_NAME_END.search(t) and not SERVICE_NAME_END.fullmatch(t))
                         or t in LONE_SERVICE_NAMES}
                for n in names:
                    groups.setdefault(n, set()).update(names)
            self._groups = {k: frozenset(v) for k, v in groups.items()}
        return self._groups

    def spelled(self, text: str) -> str:
        """``text`` with each English word that no dictionary knows and the glossary does not hold replaced by the one
        glossary word it misspells (s42 probe: "enrgy vouchr apply how" found nothing; "energy voucher apply how"
        finds 에너지바우처): a word of four letters or more, unknown to simplemma's English dictionary (the one
        :func:`lemma` reads), becomes the glossary word with the same first letter at the smallest edit distance
        (:func:`edit_distance`: at most 1, or 2 for a word of eight letters or more), when exactly one is that near.
        Any other word is left as written, so a name ("Suwon") or a word the dictionary knows ("apply", never "apple")
        is never changed. ``text`` itself when nothing is corrected.

        Example:
            >>> g = Glossary({"energy voucher": ["에너지바우처"], "childcare": ["보육"], "apple": ["사과"]})
            >>> g.spelled("enrgy vouchr apply how"), g.spelled("chidlcare in Suwon")
            ('energy voucher apply how', 'childcare in Suwon')
        """
        by_first, vocabulary = self._vocabulary()
        changed = False

        def fix(m: re.Match[str]) -> str:
            nonlocal changed
            word = m.group()
            low = word.lower()
            if len(low) < 4 or low in vocabulary or simplemma.is_known(low, lang="en"):
                return word
            limit = 2 if len(low) >= 8 else 1
            near = [(edit_distance(low, v), v) for v in by_first.get(low[0], ()) if abs(len(v) - len(low)) <= limit]
            near = sorted((d, v) for d, v in near if d <= limit)
            if not near or (len(near) > 1 and near[1][0] == near[0][0]):
                return word
            changed = True
            return near[0][1]

        out = re.sub(r"(?<![A-Za-z'])[A-Za-z]+(?![A-Za-z'])", fix, text)
        return out if changed else text

    def _vocabulary(self) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
        """The glossary phrases' words of four letters or more, by first letter and as a set (read once)."""
        if not hasattr(self, "_vocab"):
            words = frozenset(w for k in self.terms for w in k.split() if len(w) >= 4 and w.isalpha())
            by_first: dict[str, list[str]] = {}
            for w in sorted(words):
                by_first.setdefault(w[0], []).append(w)
            self._vocab = ({k: tuple(v) for k, v in by_first.items()}, words)
        return self._vocab

    def translate(self, text: str) -> list[str]:
        """Korean terms for the English words and phrases of ``text``, in order, without repeats."""
        out: list[str] = []
        for _phrase, korean in self.matches(text):
            out.extend(t for t in korean if t not in out)
        return out


@lru_cache(maxsize=4)
def default_glossary(lemmas: bool = False) -> Glossary:
    """The bundled glossary (empty when the file is absent); ``lemmas``: see :class:`Glossary` (off by default)."""
    if not DEFAULT_GLOSSARY.exists():
        return Glossary({})
    return Glossary.load(DEFAULT_GLOSSARY, lemmas=lemmas)


DEFAULT_COLLOQUIAL = Path(__file__).resolve().parent / "glossary_ko_colloquial.yaml"


class ColloquialGlossary:
    """Colloquial Korean words mapped to the terms the catalogue uses for the same thing (query expansion with a
    thesaurus, the dictionary counterpart of :class:`Glossary` within one language).

    A citizen asks "애 낳으면 돈 주나요"; the catalogue writes 출산장려금, 출생아, 자녀: no morpheme of the question
    occurs in the documents that answer it, so BM25 finds pig farming (모돈) and the answerability overlap is 0. Keys
    are content morphemes as :func:`~assistant.nlu.tokenizer.lexical_terms` gives them (verb stems without endings:
    낳, 잘리, 돌아가), so every inflection of a word matches ("낳으면", "낳았는데"). A key of several morphemes written
    apart ("말 늦": "아이 말이 늦어요"; "가스 비": Kiwi reads 가스비 as 가스 + 비) is a phrase: it matches where its
    morphemes come in that order among the question's terms, with at most :data:`PHRASE_GAP` terms between two of them,
    and is returned as written (with its space), so that a caller can tell it from a word.

    Example:
        >>> g = ColloquialGlossary({"낳": ["출산", "출생"], "돈": ["지원금"], "말 늦": ["언어발달"]})
        >>> g.expand(["애", "낳", "돈", "주"]), g.expand(["말", "늦"]), g.expand(["늦", "말"])
        ([('낳', ('출산', '출생')), ('돈', ('지원금',))], [('말 늦', ('언어발달',))], [])
    """

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self.terms = {k.strip(): tuple(v) for k, v in terms.items()}
        # "일/NNG": the morpheme 일 only where Kiwi reads it as that part of speech (일 "work", not the 일 of a date)
        self.tagged = {tuple(k.split("/", 1)): v for k, v in self.terms.items() if "/" in k}
        self.phrases = {tuple(k.split()): v for k, v in self.terms.items() if len(k.split()) > 1}

    @classmethod
    def load(cls, path: Path = DEFAULT_COLLOQUIAL) -> ColloquialGlossary:
        """Read a colloquial glossary YAML file (``terms: {morpheme: [catalogue terms]}``).

        Raises:
            InvalidConfigError: missing file, bad YAML, a key given twice, or a value that is not a non-empty list of
                strings.
        """
        return cls(_read_terms(path, "colloquial glossary", "colloquial words to lists of catalogue terms", non_empty=True))

    def expand(self, terms: list[str], tagged: list[tuple[str, str]] | None = None) -> list[tuple[str, tuple[str, ...]]]:
        """The query's terms that the glossary holds, each once in order, with their catalogue terms.

        A key written ``morpheme/TAG`` ("일/NNG") matches only a ``(morpheme, tag)`` pair of ``tagged`` (the query's
        tokens as Kiwi tagged them); it is returned as the morpheme alone.

        Example:
            >>> g = ColloquialGlossary({"일/NNG": ["일자리"]})
            >>> g.expand(["일"], [("일", "NNG")]), g.expand(["2", "일"], [("2", "SN"), ("일", "NNB")])
            ([('일', ('일자리',))], [])
        """
        out: list[tuple[str, tuple[str, ...]]] = []
        seen: set[str] = set()
        pairs = set(tagged or ())
        for t in terms:
            if t in seen:
                continue
            found = self.terms.get(t) if "/" not in t and " " not in t else None
            if found is None and self.tagged:
                found = next((v for (form, tag), v in self.tagged.items() if form == t and (form, tag) in pairs), None)
            if found is not None:
                seen.add(t)
                out.append((t, found))
        out.extend((" ".join(words), found) for words, found in self.phrases.items() if said_in_order(words, terms))
        return out


#: How many of a question's terms may come between two morphemes of a colloquial phrase (:class:`ColloquialGlossary`):
#: the syllable bigrams :func:`~assistant.nlu.tokenizer.lexical_terms` adds after a long noun, or a word between
#: ("말이 좀 늦어요" has no term between; "가스비랑 전기세" none).
PHRASE_GAP = 3


def said_in_order(words: tuple[str, ...], terms: list[str]) -> bool:
    """Whether ``words`` occur in ``terms`` in that order, at most :data:`PHRASE_GAP` terms apart.

    Example:
        >>> said_in_order(("말", "늦"), ["아이", "말", "늦"]), said_in_order(("말", "늦"), ["늦", "말"])
        (True, False)
    """
    starts = [i for i, t in enumerate(terms) if t == words[0]]
    for start in starts:
        at = start
        for w in words[1:]:
            nxt = next((j for j in range(at + 1, min(at + 2 + PHRASE_GAP, len(terms))) if terms[j] == w), None)
            if nxt is None:
                break
            at = nxt
        else:
            return True
    return False


#: A stated age ("80세", "26살", "만 65세", "70대") in a Korean question. Not an age followed by 미만/이하/까지 (a bound,
#: "19세 미만"), and not a number inside a longer one.
_STATED_AGE = re.compile(r"(?<![\d.])(\d{1,3})\s*(세|살|대)(?!\s*(?:미만|이하|까지))")
#: Age bands the catalogue names a group by (source: 청년기본법 제3조 제1호, 청년 = 19세 이상 34세 이하; 노인복지법 and
#: 기초연금법 제3조, 65세 이상 = 노인, 어르신): ``(lowest, highest, catalogue words)``.
AGE_GROUPS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (19, 34, ("청년",)),
    (65, 130, ("노인", "어르신")),
)


def stated_age_terms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The catalogue's words for the age groups the ages stated in ``text`` fall in: ``[(the age as written, words)]``,
    each group once. A decade ("70대") counts when the whole decade is in the group ("20대" is 청년, "30대" is not).

    A citizen says "저 26살인데 월세 지원" or "아버지가 일을 하고 싶어하세요 (70세)"; the catalogue says 청년 월세, 노인일자리.

    Example:
        >>> stated_age_terms("서울 사는 26살인데 월세 지원"), stated_age_terms("우리 엄마 80세고 70대 아빠")
        ([('26살', ('청년',))], [('80세', ('노인', '어르신'))])
        >>> stated_age_terms("19세 미만 아동"), stated_age_terms("4살 아이")
        ([], [])
    """
    out: list[tuple[str, tuple[str, ...]]] = []
    for m in _STATED_AGE.finditer(text):
        age = int(m.group(1))
        low, high = (age, age + 9) if m.group(2) == "대" else (age, age)
        for lo, hi, words in AGE_GROUPS:
            if lo <= low and high <= hi and all(words != w for _said, w in out):
                out.append((m.group(0).replace(" ", ""), words))
    return out


@lru_cache(maxsize=4)
def default_colloquial() -> ColloquialGlossary:
    """The bundled colloquial glossary (empty when the file is absent)."""
    if not DEFAULT_COLLOQUIAL.exists():
        return ColloquialGlossary({})
    return ColloquialGlossary.load(DEFAULT_COLLOQUIAL)
