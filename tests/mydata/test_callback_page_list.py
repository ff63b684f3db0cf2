"""The MyData callback page shows the assistant's lists as lists (fresh-user report item 14: the fetched records ran
into one paragraph)."""

from __future__ import annotations

from html.parser import HTMLParser

from connectors.mydata.api import _page


class _Blocks(HTMLParser):
    """(tag, text) of each <p> and <li>, and the number of <ul>s."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self.lists = 0
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ul":
            self.lists += 1
        if tag in ("p", "li"):
            self._open = tag
            self.blocks.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.blocks[-1]
            self.blocks[-1] = (tag, text + data)


def test_dash_lines_become_list_items_and_the_rest_paragraphs() -> None:
    reply = "마이데이터에서 불러왔어요:\n- 주민등록표 등본: 나이, 지역\n- 건강보험 자격: 가구원 수\n다음 질문으로 넘어갈게요."
    html = _page(200, "MyData", [reply, "대화창으로 돌아가 주세요. / Please return to the chat."]).body.decode()
    parser = _Blocks()
    parser.feed(html)
    assert parser.lists == 1
    assert parser.blocks == [
        ("p", "마이데이터에서 불러왔어요:"),
        ("li", "주민등록표 등본: 나이, 지역"),
        ("li", "건강보험 자격: 가구원 수"),
        ("p", "다음 질문으로 넘어갈게요."),
        ("p", "대화창으로 돌아가 주세요. / Please return to the chat."),
    ]


def test_reply_text_stays_escaped() -> None:
    html = _page(200, "MyData", ["- <script>alert(1)</script>"]).body.decode()
    assert "<script>" not in html
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in html
