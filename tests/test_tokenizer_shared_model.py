"""Every KoreanTokenizer of a process reads one kiwipiepy model (assistant.nlu.tokenizer.shared_kiwi): a new tokenizer
costs no second model load (about 4 s of CPU each before), and tokenizers used from many threads at once still give
what each gives alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from kiwipiepy import Kiwi

from assistant.nlu.boundaries import BoundaryChecker
from assistant.nlu.tokenizer import KoreanTokenizer, shared_kiwi

TEXTS = ["기초연금신청자격이 궁금해요", "강남구에서 신청", "I am 67 and live in Busan.", "엄마가 혼자 사시는데 받을 수 있는 거 있어요?",
         "청년 월세 지원 받을 수 있나요", "My mother lives alone. What can she get?"]


def test_tokenizers_share_one_model() -> None:
    a, b = KoreanTokenizer(), KoreanTokenizer()
    a.warm_up()
    b.warm_up()
    assert a._kiwi is b._kiwi is shared_kiwi()
    assert isinstance(shared_kiwi(), Kiwi)


def test_the_shared_model_reads_as_a_fresh_one() -> None:
    """The shared, warmed model's analysis equals a model loaded just for this test (the reference)."""
    fresh = Kiwi()
    tok = KoreanTokenizer()
    for text in TEXTS[:2]:  # Hangul only: the tokenizer's script views and period mending do not apply
        want = [(t.form, t.tag, t.start, t.start + t.len) for t in fresh.tokenize(text)]
        assert [(t.text, t.tag, t.start, t.end) for t in tok.tokenize(text)] == want


def test_many_threads_over_many_tokenizers_agree_with_one() -> None:
    alone = {t: KoreanTokenizer().tokenize(t) for t in TEXTS}
    checker = BoundaryChecker()  # its forcing tokenizer shares the model and the lock too
    jobs = [(i, TEXTS[i % len(TEXTS)]) for i in range(120)]

    def run(job: tuple[int, str]) -> list:
        i, text = job
        return checker.tokenize(text) if i % 3 == 0 else KoreanTokenizer().tokenize(text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(run, jobs))
    assert all(g == alone[text] for g, (_, text) in zip(got, jobs, strict=True))
