"""English words the glossary lacked or mistranslated, found by the English twins of the citizen questions (s21, issue 2).

An English question must do as well as its Korean twin (bench/citizen_questions_en_twins.yaml). On the catalogue the
twins ranked their service first for 48 of 67 questions (MRR .794) against .918 for the Korean questions; most misses
were a word the English → Korean glossary did not know (artifacts, mediation, screen reader, Job World …) or a word it
translated into the wrong thing:

* "mother" was 산모 (a woman who has just given birth): "My mother is 80 years old" ranked 청소년산모 임신·출산 의료비
  지원 first. "mother" alone is no longer translated (어머니 names no service, and its piece 머니 found maternity
  pages); "new mother" keeps 산모.
* "older brother" searched 노인 through "older": a sibling, not old age.

Each phrase is translated as a Korean speaker would say the word, not as one question needs it. The ranking tests
use the real catalogue records (../shared/data/gov24_benefits, read by id): each question's service and the services
that outranked it on the whole catalogue before the edit (the hard negatives, listed from that ranking), imported into
a small index with the bundled embedder. Where the service is in the bundled corpus, the bundled home is used.
"""

from __future__ import annotations

import pytest

from assistant.knowledge.glossary import Glossary, default_glossary
from assistant.knowledge.index import load_index
from assistant.knowledge.ingest import import_documents
from assistant.knowledge.loaders import load_gov24
from assistant.knowledge.retriever import HybridRetriever
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms
from assistant.settings import Settings
from shared_paths import GOV24_DIR

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 41 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow


def korean(text: str) -> dict[str, list[str]]:
    """``{phrase: its Korean terms}`` of the glossary phrases found in ``text``."""
    return {p: list(k) for p, k in default_glossary().matches(text)}


def all_korean(text: str) -> set[str]:
    return {t for ks in korean(text).values() for t in ks}


# --- what the words mean -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "expected"), [
    ("they sign the lump-sum deposit lease for me", "lump sum deposit lease", {"전세"}),
    ("a lump sum deposit", "lump sum deposit", {"전세"}),
    ("I'm on livelihood benefits", "livelihood benefits", {"생계급여"}),
    ("I'm a conditional benefit recipient", "conditional benefit recipient", {"조건부", "수급자", "자활"}),
    ("Can I borrow money from the government?", "borrow money", {"대출", "융자"}),
    ("screen reader software is expensive", "screen reader", {"화면낭독", "보조기기"}),
    ("my husband is violent", "violent", {"폭력"}),
    ("I'm a home-visit tutor", "home visit tutor", {"방문강사", "노무제공자"}),
    ("a learning worksheet company", "learning worksheet", {"학습지"}),
    ("I started my company a year ago", "started my company", {"창업"}),
    ("funding to commercialise your business", "commercialise", {"사업화"}),
    ("training and coaching", "coaching", {"멘토링"}),
    ("can we apply for mediation", "mediation", {"분쟁조정"}),
    ("we have been harmed", "harmed", {"피해"}),
    ("the cervical cancer shot", "cervical cancer shot", {"HPV", "자궁경부암", "예방접종"}),
    ("the cervical cancer vaccine", "cervical cancer vaccine", {"HPV", "자궁경부암", "예방접종"}),
    ("my tap water", "tap water", {"수돗물"}),
    ("get it tested", "tested", {"검사"}),
    ("a more energy-efficient one", "energy efficient", {"고효율"}),
    ("help me get them deleted", "deleted", {"삭제"}),
    ("if I take my kids to Job World", "job world", {"한국잡월드"}),
    ("if artifacts turn up", "artifacts", {"유물", "매장유산"}),
    ("pay for the whole excavation", "excavation", {"발굴"}),
    ("on a low salary", "low salary", {"저소득"}),
    ("I just started my first job", "first job", {"사회초년생"}),
    ("someone to look after him", "look after", {"돌봄"}),
    ("my older brother", "older brother", {"형제"}),
    ("my elder sister", "elder sister", {"자매"}),
])
def test_a_phrase_gives_its_korean_words(text: str, phrase: str, expected: set[str]) -> None:
    found = korean(text)
    assert phrase in found, found
    assert expected <= set(found[phrase])


def test_a_mother_is_not_a_woman_who_just_gave_birth() -> None:
    assert "산모" not in all_korean("My mother is 80 years old. What benefits can she get?")
    assert "mother" not in korean("My mother is 80 years old.")
    # the phrases that name a mother's service keep it
    assert korean("help for a new mother")["new mother"] == ["산모"]
    assert "한부모" in korean("I'm a single mother")["single mother"]


@pytest.mark.parametrize("text", ["My older brother has an intellectual disability", "my elder sister", "our older son"])
def test_an_older_sibling_or_child_is_not_old_age(text: str) -> None:
    assert not {"노인", "고령"} & all_korean(text)


def test_older_alone_is_still_old_age() -> None:
    assert "노인" in all_korean("help for older people")


def test_job_world_is_the_catalogues_one_word() -> None:
    """한국잡월드 is one token in the index (the name as the catalogue writes it), so 잡월드 alone did not match it."""
    tokenizer = KoreanTokenizer()
    page = lexical_terms(tokenizer.tokenize("한국잡월드 입장료 면제 및 할인"))
    query = lexical_terms(tokenizer.tokenize(" ".join(korean("Job World")["job world"])))
    assert "한국잡월드" in page and "한국잡월드" in query


# --- the bundled corpus ------------------------------------------------------------------------------------------------

TEEN_MOTHER = "SD0000006936"  # knowledge/ko/teen-mother-medical-cost.md, 청소년산모 임신·출산 의료비 지원


def test_an_old_mother_is_not_offered_a_birth_voucher(bundled_router) -> None:  # type: ignore[no-untyped-def]
    retriever: HybridRetriever = bundled_router.retriever
    hits = retriever.run("My mother is 80 years old. What benefits can she get?", k=5).hits
    assert TEEN_MOTHER not in [h.doc.service_id for h in hits[:3]], [h.doc.title for h in hits]


def test_the_fault_was_mother_read_as_a_new_mother(bundled_router) -> None:  # type: ignore[no-untyped-def]
    retriever: HybridRetriever = bundled_router.retriever
    old = HybridRetriever(retriever.index, retriever.embedder, retriever.tokenizer, config=retriever.config,
                          glossary=Glossary({**default_glossary().terms, "mother": ["산모"]}))
    hits = old.run("My mother is 80 years old. What benefits can she get?", k=5).hits
    assert TEEN_MOTHER in [h.doc.service_id for h in hits[:3]], [h.doc.title for h in hits]


@pytest.mark.parametrize(("question", "service"), [
    # knowledge/ko/self-sufficiency-work.md (자활근로)
    ("I'm a conditional benefit recipient, so I'm told I have to work to get my livelihood benefit. "
     "Where do I get a job assigned?", "SBA000000100"),
    # knowledge/ko/youth-tomorrow-savings.md (청년내일저축계좌)
    ("I'm 23 and just started my first job on a low salary. How do I open that account where the government adds "
     "three times whatever I save each month?", "135200005013"),
    # knowledge/ko/jeonse-rental-housing.md (기존주택 전세임대)
    ("I'm on livelihood benefits. I heard there's a scheme where, if I find a place to live, they sign the lump-sum "
     "deposit lease for me and then rent it to me cheaply. Is that right?", "999000000022"),
])
def test_a_twin_finds_its_bundled_service(bundled_router, question: str, service: str) -> None:  # type: ignore[no-untyped-def]
    hits = bundled_router.retriever.run(question, k=5).hits
    assert hits[0].doc.service_id == service, [h.doc.title for h in hits]


# --- the real catalogue ------------------------------------------------------------------------------------------------

#: (question, its service, the glossary phrases the edit added for it, the services that outranked it before)
CATALOGUE_CASES = [
    ("I'm a home-visit tutor for a learning worksheet company and I'm covered by employment insurance. I'm having a baby "
     "soon. Can I get the maternity leave pay too?", "149200005017", ["home visit tutor"], ["611000019649"]),
    ("My company hasn't paid my wages for three months and I've run out of money to live on. Is there anywhere I can "
     "borrow money at a low rate?", "149200000030", ["borrow money", "borrow"], ["SD0000003276"]),
    ("I'm a visually impaired office worker in my 30s, and screen reader software is really expensive. Can I get any "
     "help buying it?", "GMO000000010", ["screen reader", "software"],
     ["VOU000009000", "149200005035", "B55271100020", "O00046700011"]),
    ("I already get KEPCO's welfare discount on my electricity bill. I heard they'll chip in if I replace my fridge with "
     "a more energy-efficient one. Where do I apply?", "B41000200041", ["energy efficient"],
     ["B55037300001", "B55353000001"]),
    ("I want to sue for divorce because my husband is violent, but I can't afford a lawyer. Is there anywhere that will "
     "take on my case for free?", "B27000100040", ["violent"], ["315000000282", "311000000146"]),
    ("We're a basic livelihood recipient family. If I take my kids to Job World, do we get in for free?",
     "B55283600001", ["job world"], ["496000000123", "403000000158", "304000000198"]),
    ("I'm going to build a detached house in the countryside. If artifacts turn up while we're digging, do I have to pay "
     "for the whole excavation myself?", "155000000018", ["artifacts", "digging", "excavation"],
     ["467000000127", "O00030500002", "474100000036"]),
    ("Dozens of us have been harmed in exactly the same way by the same company. Can we apply for mediation together as "
     "one group?", "B55191900002", ["mediation", "harmed"], ["142000000001", "142100000071", "SD0000001490"]),
    ("want to get my tap water tested to see if its ok to drink where do i apply", "148000000014",
     ["tap water", "tested"], ["O00009300002", "B55374800006"]),
]


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR}")
    wanted = {service for _q, service, _p, _n in CATALOGUE_CASES} | {n for *_x, negs in CATALOGUE_CASES for n in negs}
    docs = [d for d in load_gov24(GOV24_DIR) if d.doc_id in wanted]
    assert {d.doc_id for d in docs} == wanted
    settings = Settings(home=tmp_path_factory.mktemp("twin-words"))
    import_documents(settings, "gov24", docs, embedder, progress=False)
    return HybridRetriever(load_index(settings.index_dir), embedder, KoreanTokenizer())


@pytest.mark.parametrize(("question", "service", "phrases", "negatives"), CATALOGUE_CASES,
                         ids=[service for _q, service, _p, _n in CATALOGUE_CASES])
def test_a_twin_ranks_its_service_first(catalogue: HybridRetriever, question: str, service: str,
                                        phrases: list[str], negatives: list[str]) -> None:
    hits = catalogue.run(question, k=5).hits
    assert hits[0].doc.doc_id == service, [h.doc.title for h in hits]


#: Cases the retriever now ranks first even without their phrases: the tap water question since s25 (the purpose
#: fields no longer have dense rows of their own; the negatives' had outranked them). The screen reader and divorce
#: lawyer questions were too from s25 to s27; since the last word of an English sentence is read as itself (s27,
#: assistant.nlu.tokenizer.mend_final_periods) a negative leads them again without their phrases. The screen reader
#: question ranks first without them again since s29: the catalogue-noun block's "office worker" (직장인) is said too.
#: Since s32 the English → Korean language map picks an English question's first page (RetrieverConfig.w_language_map):
#: without its phrases the divorce lawyer question (B27000100040) ranks first through the map alone, while the tap water
#: and screen reader questions do not (the map puts their negatives O00009300002 and VOU000009000 first); with the
#: phrases all three rank first (the test above).
FOUND_WITHOUT_PHRASES = {"B27000100040"}


@pytest.mark.parametrize(("question", "service", "phrases", "negatives"),
                         [c for c in CATALOGUE_CASES if c[1] not in FOUND_WITHOUT_PHRASES],
                         ids=[service for _q, service, _p, _n in CATALOGUE_CASES if service not in FOUND_WITHOUT_PHRASES])
def test_without_the_new_phrases_a_negative_led(catalogue: HybridRetriever, question: str, service: str,
                                                phrases: list[str], negatives: list[str]) -> None:
    """The same pool without the phrases the edit added: the fault the test above guards against."""
    terms = {k: v for k, v in default_glossary().terms.items() if k not in phrases}
    before = HybridRetriever(catalogue.index, catalogue.embedder, catalogue.tokenizer, config=catalogue.config,
                             glossary=Glossary(terms))
    assert before.run(question, k=5).hits[0].doc.doc_id != service


@pytest.mark.parametrize(("question", "service", "phrases", "negatives"),
                         [c for c in CATALOGUE_CASES if c[1] in FOUND_WITHOUT_PHRASES],
                         ids=[service for _q, service, _p, _n in CATALOGUE_CASES if service in FOUND_WITHOUT_PHRASES])
def test_some_twins_rank_their_service_first_without_the_phrases_too(catalogue: HybridRetriever, question: str,
                                                                      service: str, phrases: list[str],
                                                                      negatives: list[str]) -> None:
    terms = {k: v for k, v in default_glossary().terms.items() if k not in phrases}
    before = HybridRetriever(catalogue.index, catalogue.embedder, catalogue.tokenizer, config=catalogue.config,
                             glossary=Glossary(terms))
    assert before.run(question, k=5).hits[0].doc.doc_id == service
