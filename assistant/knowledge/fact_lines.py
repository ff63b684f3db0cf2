"""The lines of a service page that speak of one fact about the person: "저 혼자 살아요", "저희 한부모 가정이에요",
"청년인데 가능해요?", "I use LPG" said right after the service was answered.

s37 closing note (first on its list of harms): such a fact, said after an answer, got "알겠어요. 어떤 점을
도와드릴까요?" or the whole answer again, its 지원 대상 cut before the line about 청년; the page held the line that
speaks of it (에너지바우처: "1인 가구: 295,200원"; 초·중·고 교육비: "법정 한부모가족 보호대상자"; 전세임대: "청년(대학생·
취업준비생, 19~39세): …"). :func:`lines_about` picks those lines out of a section with what makes them readable: the
list item they are nested in, the items nested in them, the sentence that leads the list in, a table's header.

Own code: the pages are the catalogue's Markdown (``- `` items nested by two spaces, ``|`` tables), read line by line;
a Markdown parser would give the same tree for these few shapes at the cost of a dependency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: At most this many items nested in a line that speaks of the fact are quoted with it (the rest: "…").
MAX_NESTED = 8
#: A lead-in sentence longer than this is not quoted before its list.
MAX_LEAD_IN = 200

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def squeezed(text: str) -> str:
    """``text`` lower-cased without whitespace: how a line is matched against a fact's words (the words are written
    the same way: "1인가구", "singleparent")."""
    return re.sub(r"\s+", "", text).lower()


def holds(line: str, words: Sequence[Sequence[str]]) -> bool:
    """Whether ``line`` holds one of the ways of writing one of the facts (``words``: per fact, its ways, each
    lower-cased without whitespace)."""
    s = squeezed(line)
    return any(w and w in s for ways in words for w in ways)


def _list_items(lines: list[str], i: int) -> list[int]:
    """The items of the list line ``i`` belongs to: the lines at its indentation, up and down from it while no blank
    line or shallower line comes between (their nested lines not counted)."""
    depth = _indent(lines[i])
    items = [i]
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and lines[j].strip() and _indent(lines[j]) >= depth:
            if _indent(lines[j]) == depth:
                if not _BULLET.match(lines[j]):
                    break
                items.append(j)
            j += step
    return sorted(items)


def lines_about(text: str, words: Sequence[Sequence[str]], whole_lists: int = 0) -> str:
    """The lines of ``text`` (one section of a page, Markdown) that hold one of the facts' ``words``
    (:func:`holds`), each with its context, in the page's order; ``""`` when none does.

    Context kept with a line: the items it is nested in (up to the top of its list); the items nested in it (at most
    :data:`MAX_NESTED`, then " …"); the sentence right before the list it belongs to, when the list follows it with
    no blank line and it is no longer than :data:`MAX_LEAD_IN` characters; for a table row, the table's header and
    its rule. With ``whole_lists``, a list item that speaks of them brings every item of its list when the list has at
    most that many ("주말에도 돼요?" on 철도 공공할인: the KTX and 새마을호 lines say 토요일·일요일 제외, and 무궁화호's, which
    does not name the weekend, is the one discounted on it; s38 probe).

    >>> page = "가구원 수에 따라 아래 금액을 줍니다.\\n- 1인 가구: 295,200원\\n- 2인 가구: 407,500원"
    >>> print(lines_about(page, [["1인가구"]]))
    가구원 수에 따라 아래 금액을 줍니다.
    - 1인 가구: 295,200원
    >>> print(lines_about("- 일반: 소득 50% 이하\\n- 청년(19~39세): 대학생\\n  - 1순위: 수급자", [["청년"]]))
    - 청년(19~39세): 대학생
      - 1순위: 수급자
    """
    lines = text.splitlines()
    keep: set[int] = set()
    cut_after: dict[int, int] = {}  # the last nested item quoted → the indent of the " …" that follows it
    for i, line in enumerate(lines):
        if not line.strip() or not holds(line, words):
            continue
        keep.add(i)
        depth = _indent(line)
        if whole_lists and _BULLET.match(line) and len(items := _list_items(lines, i)) <= whole_lists:
            keep.update(items)
        # the items it is nested in
        level = depth
        for j in range(i - 1, -1, -1):
            if not lines[j].strip() or level == 0:
                break
            if _indent(lines[j]) < level:
                keep.add(j)
                level = _indent(lines[j])
        # the items nested in it
        nested = 0
        for j in range(i + 1, len(lines)):
            if not lines[j].strip() or _indent(lines[j]) <= depth:
                break
            nested += 1
            if nested <= MAX_NESTED:
                keep.add(j)
            elif nested == MAX_NESTED + 1:
                cut_after[j - 1] = depth + 2
        # the sentence leading its list in, or the header of its table
        top = i
        while top > 0 and lines[top - 1].strip() and (_BULLET.match(lines[top - 1]) or _indent(lines[top - 1]) > 0
                                                       or lines[top - 1].lstrip().startswith("|")) \
                and lines[top - 1].lstrip().startswith("|") == line.lstrip().startswith("|"):
            top -= 1
        if line.lstrip().startswith("|"):
            keep.update(j for j in (top, top + 1) if j < len(lines) and lines[j].lstrip().startswith("|"))
        elif _BULLET.match(lines[top]) and top > 0 and lines[top - 1].strip() and len(lines[top - 1].strip()) <= MAX_LEAD_IN:
            keep.add(top - 1)
    out: list[str] = []
    for i in sorted(keep):
        out.append(lines[i])
        if i in cut_after and i + 1 not in keep:
            out.append(" " * cut_after[i] + "…")
    return "\n".join(out)
