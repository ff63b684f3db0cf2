"""The citizen's region in knowledge answers (fresh-user s8, defect 5).

* The sentence before other regions' variants never claims the citizen's region runs the programme: when the question
  named it, the documents have it "only as run by …"; when it asked about a kind of help, nothing was found for the
  region and the list is other regions' (assistant/knowledge/composer.py, :func:`missing_variant_text`).
* A wider place consistent with the known one ("서울에서 …" after "서울 용산구에 살아요", or "Yongsan-gu, Seoul" in one
  message) keeps the known, more specific place, silently: no "서울특별시로 고쳤어요" (assistant/dialogue/forms.py,
  :func:`less_specific_place`). A different place is still a correction.
Through the engine (bundled NLU) on the bundled corpus and on a home holding real catalogue records (a few dozen
records of ../shared/data/gov24_benefits: the pregnancy and youth-rent ones; skips without it)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from assistant.dialogue.forms import less_specific_place
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.knowledge.ingest import import_documents
from assistant.settings import Settings


def say(p: MessageProcessor, text: str, sender: str = "s-where") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def texts(turn: Turn) -> str:
    return "\n".join(m.text for m in turn.messages)


@pytest.mark.parametrize(("new", "known", "wider"), [
    ("서울특별시", "서울특별시 용산구", True), ("서울특별시 용산구", "서울특별시 용산구", False),
    ("부산광역시", "서울특별시 용산구", False), ("서울특별시 중구", "서울특별시 용산구", False),
    ("경기도 성남시", "경기도 성남시 분당구", True), ("서울특별시", None, False), (None, "서울특별시", False),
])
def test_less_specific_place(new: Any, known: Any, wider: bool) -> None:
    assert less_specific_place(new, known) is wider


# --- through the engine on the bundled home: the region slot -------------------------------------------------------

@pytest.mark.parametrize(("said", "later"), [
    ("저는 서울 용산구에 살아요", "서울에서 임신하면 받을 수 있는 거 뭐 있어요"),
    ("I live in Yongsan-gu, Seoul", "What can I get in Seoul if I am pregnant?"),
])
def test_a_wider_place_later_keeps_the_known_one_silently(make_processor: Any, said: str, later: str) -> None:
    p = make_processor()
    say(p, said)
    assert p.load("s-where").get_slot("region") == "서울특별시 용산구"
    turn = say(p, later)
    assert p.load("s-where").get_slot("region") == "서울특별시 용산구"
    assert "고쳤어요" not in texts(turn) and "changed" not in texts(turn).lower()
    assert not any(str(m.custom.get("response", "")).startswith(("utter_slot_corrected", "utter_corrected_")) for m in turn.messages)


def test_inside_the_form_a_wider_place_is_no_correction_but_another_place_is(make_processor: Any) -> None:
    p = make_processor()
    say(p, "저는 서울 용산구에 살아요")
    started = say(p, "제가 받을 수 있는 혜택이 뭐가 있나요?")
    assert p.load("s-where").active_loop_name == "eligibility_form", texts(started)
    kept = say(p, "서울에서 임신하면 받을 수 있는 거 뭐 있어요")
    assert "고쳤어요" not in texts(kept) and p.load("s-where").get_slot("region") == "서울특별시 용산구"
    moved = say(p, "아니 부산에 살아요")
    assert p.load("s-where").get_slot("region") == "부산광역시" and "부산광역시" in texts(moved)


# --- the missing-variant sentence (composer) ------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "named"), [("ko", True), ("ko", False), ("en", True), ("en", False)])
def test_the_missing_variant_sentence_never_says_the_region_runs_it(lang: str, named: bool) -> None:
    from assistant.knowledge.composer import missing_variant_text

    text = missing_variant_text(lang, "임산부 친환경농산물 지원", "서울특별시 용산구", "경상남도, 전북특별자치도", named)
    assert "서울특별시 용산구에서 운영하는 '" not in text and "run in 서울특별시 용산구" not in text
    if lang == "en":
        assert ("only as run by 경상남도, 전북특별자치도" in text) if named else text.startswith("I found nothing on this for 서울특별시 용산구")
    elif named:
        assert "경상남도, 전북특별자치도에서 운영하는 것만 있고" in text and "서울특별시 용산구에서 운영하는 것은 없어요" in text
    else:
        assert text.startswith("제가 가진 자료에서 서울특별시 용산구의 관련 서비스는 찾지 못했어요")


# --- a home with real catalogue records ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogue_engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    from assistant.app_state import build_processor, load_router
    from assistant.knowledge.loaders import load_gov24
    from assistant.stores.trackers import SQLTrackerStore
    from shared_paths import GOV24_DIR  # type: ignore[import-not-found]

    if not (GOV24_DIR / "gov24_serviceList_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR}")
    docs = [d for d in load_gov24(GOV24_DIR) if any(w in d.title for w in ("임산부", "임신", "월세", "에너지바우처"))]
    assert 15 <= len(docs) <= 80
    settings = bundled_settings.model_copy(update={"home": tmp_path_factory.mktemp("catalogue-part") / "home"})
    shutil.copytree(bundled_settings.nlu_dir, settings.nlu_dir)
    import_documents(settings, "gov24", docs, embedder, progress=False)
    return build_processor(settings, load_router(settings, embedder), SQLTrackerStore("sqlite://"), None)


@pytest.mark.parametrize(("said", "asked", "later"), [
    ("저는 서울 용산구에 살아요", "임산부 지원 뭐 있어요?", "서울에서 임신하면 받을 수 있는 거 뭐 있어요"),
    ("I live in Yongsan-gu, Seoul", "What support is there for pregnant women?", "What can I get in Seoul if I am pregnant?"),
])
def test_catalogue_region_is_kept_and_never_claimed(catalogue_engine: MessageProcessor, said: str, asked: str,
                                                    later: str) -> None:
    p, sender = catalogue_engine, f"cat-{said[:3]}"
    say(p, said, sender)
    answer = texts(say(p, asked, sender))
    assert "용산구에서 운영하는 '" not in answer and "run in 서울특별시 용산구" not in answer, answer
    turn = say(p, later, sender)
    assert p.load(sender).get_slot("region") == "서울특별시 용산구" and "고쳤어요" not in texts(turn)
