"""The colloquial Korean glossary: strict loading, expansion, and that every key of the bundled file can match."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import InvalidConfigError
from assistant.knowledge.glossary import DEFAULT_COLLOQUIAL, ColloquialGlossary
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  돈: [지원금]\n  낳: [출산]\n  돈: [수당]\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError, match="duplicate key '돈'"):
        ColloquialGlossary.load(path)


@pytest.mark.parametrize("body", ["terms:\n  돈: 지원금\n", "terms:\n  돈: []\n", "terms:\n  돈: ['  ']\n", "- 돈\n"])
def test_a_value_that_is_not_a_list_of_terms_is_an_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidConfigError):
        ColloquialGlossary.load(path)


def test_expansion_of_an_inflected_question() -> None:
    g = ColloquialGlossary({"낳": ["출산", "출생"], "돈": ["지원금"], "애": ["자녀"]})
    tok = KoreanTokenizer()
    for question in ("애 낳으면 돈 주나요", "애낳으면돈주나요", "애를 낳았는데 돈이 나오나요"):
        got = dict(g.expand(lexical_terms(tok.tokenize(question))))
        assert got == {"애": ("자녀",), "낳": ("출산", "출생"), "돈": ("지원금",)}, question


def test_every_key_of_the_bundled_file_is_a_term_the_tokenizer_gives() -> None:
    """A key that is not a lexical term of any inflection of itself can never match (e.g. "혼인신고" is split into
    혼인 + 신고): each key (each morpheme of a phrase key: "가스 비") must come back from the tokenizer, alone or followed
    by an ending."""
    raw = yaml.safe_load(DEFAULT_COLLOQUIAL.read_text(encoding="utf-8"))["terms"]
    g = ColloquialGlossary.load()
    assert len(g.terms) == len(raw) > 40
    tok = KoreanTokenizer()
    for key in g.terms:
        form, _, tag = key.partition("/")  # "일/NNG": the morpheme 일 where Kiwi tags it NNG
        texts = (form, form + "다", form + "면", form + "이")
        if tag:
            assert (form, tag) in {(t.text, t.tag) for text in texts for t in tok.tokenize(text)}, key
        else:
            for word in key.split():  # a phrase's every morpheme ("말 늦": 말, 늦)
                forms = (word, word + "다", word + "면", word + "이")
                assert word in {t for text in forms for t in lexical_terms(tok.tokenize(text))}, key


@pytest.mark.parametrize("question", ["동생이 조현병인데 지원 받을 수 있는 거 있나요?", "우울증 치료비 지원 있나요?",
                                      "공황장애가 있는데 상담 지원 받을 수 있어요?"])
def test_a_mental_illness_named_by_its_kind_finds_the_mental_health_pages(gov24_retriever, question: str) -> None:  # type: ignore[no-untyped-def]
    """s43 probe: "my brother has schizophrenia …" got 희귀질환자 의료비; the catalogue's pages for it say 정신질환 or
    정신건강, and only 하남시's names 조현병. The catalogue's titles that say either are counted independently."""
    import json

    from shared_paths import GOV24_DIR

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    mental = {str(r["서비스ID"]) for r in rows if "정신" in str(r["서비스명"])}
    assert len(mental) >= 4  # 정신질환 치료비 지원, 정신건강사업 지원, 학생정신건강 치료비 지원, …
    top = [h.doc.doc_id for h in gov24_retriever.run(question, k=5).hits]
    assert len(mental & set(top)) >= 2, top


@pytest.mark.parametrize("question", ["군대 가는데 받을 수 있는 지원 있나요?", "입대하는데 지원금 있어요?"])
def test_going_into_the_army_finds_the_military_service_pages(gov24_retriever, question: str) -> None:  # type: ignore[no-untyped-def]
    """s48 probe: "군대 가는데 받을 수 있는 지원 있나요?" found nothing the gate took (보훈 명예수당 first); the catalogue
    says 입영, 군 복무, 병역 and 장병 (its titles that say them are counted independently)."""
    import json
    import re

    from shared_paths import GOV24_DIR

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    military = {str(r["서비스ID"]) for r in rows if re.search(r"입영|군\s*복무|병역|장병", str(r["서비스명"]))}
    assert len(military) >= 4
    top = [h.doc.doc_id for h in gov24_retriever.run(question, k=5).hits]
    assert len(military & set(top)) >= 2 and top[0] in military, top
