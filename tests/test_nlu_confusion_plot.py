"""The confusion-matrix PNG of `assistant test nlu` (assistant/nlu/evaluation.py): row-normalised, sized to the intents
it shows, only the intents in a confusion when there are many (s15-fresh F8: Sara's 59 intents were drawn as raw counts
on a fixed-size figure, one dark diagonal cell and near-white elsewhere, with no numbers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from assistant.errors import InvalidInputError
from assistant.nlu.evaluation import confusion_view, plot_confusion_matrix


def test_small_matrix_all_intents_row_normalised() -> None:
    labels = ["affirm", "deny", "greet"]
    cm = [[8, 2, 0],   # affirm: 10 examples, 2 read as deny
          [1, 3, 0],   # deny: 4 examples
          [0, 0, 0]]   # greet: none in the test data
    view = confusion_view(labels, cm)
    assert view.labels == labels and view.hidden == 0
    assert view.counts.tolist() == [[8, 2, 0], [1, 3, 0], [0, 0, 0]]
    # shares by hand: each row over its own total
    assert np.allclose(view.shares, [[0.8, 0.2, 0.0], [0.25, 0.75, 0.0], [0.0, 0.0, 0.0]])


def _many(n: int) -> tuple[list[str], np.ndarray]:
    labels = [f"intent_{i:02d}" for i in range(n)]
    cm = np.diag(np.arange(1, n + 1) * 3)  # 3, 6, 9 ... right answers
    return labels, cm


def test_many_intents_show_only_those_in_a_confusion() -> None:
    labels, cm = _many(59)
    cm[3, 7] = 2    # gold intent_03 read as intent_07 twice
    cm[10, 3] = 1
    cm[58, 0] = 4
    view = confusion_view(labels, cm)
    assert view.labels == ["intent_00", "intent_03", "intent_07", "intent_10", "intent_58"]
    assert view.hidden == 54
    # intent_03's row: 12 right + 2 wrong = 14 examples; intent_58's: 177 + 4 = 181; intent_00's: 3
    assert view.shares[1, 2] == pytest.approx(2 / 14) and view.shares[1, 1] == pytest.approx(12 / 14)
    assert view.shares[4, 0] == pytest.approx(4 / 181) and view.shares[0, 0] == pytest.approx(1.0)
    assert view.counts[3, 1] == 1 and view.counts[3, 3] == 33


def test_the_most_confused_are_kept_when_too_many_are() -> None:
    labels, cm = _many(8)
    for i in range(7):
        cm[i, i + 1] = i + 1  # intent_i confused with intent_(i+1), more for higher i
    view = confusion_view(labels, cm, all_up_to=4, max_labels=3)
    # wrong examples per intent (as gold + as predicted): 1+0, 2+1, 3+2, 4+3, 5+4, 6+5, 7+6, 0+7 → the top three
    assert view.labels == ["intent_04", "intent_05", "intent_06"] and view.hidden == 5


def test_a_matrix_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        confusion_view(["a", "b"], [[1, 0, 0], [0, 1, 0]])


def _side(k: int) -> int:
    """Pixels a side for k intents shown: 100 dpi x (3.2 in margins + 0.42 in a cell), written here from the spec."""
    return round(100 * (3.2 + 0.42 * k))


@pytest.mark.parametrize(("n", "confused", "shown"), [(3, [], 3), (20, [(0, 1)], 20), (59, [(3, 7), (10, 3), (58, 0)], 5)])
def test_the_png_is_sized_to_the_intents_shown(tmp_path: Path, n: int, confused: list[tuple[int, int]], shown: int) -> None:
    labels, cm = _many(n)
    for g, p in confused:
        cm[g, p] = 2
    png = plot_confusion_matrix(labels, cm, tmp_path / "cm.png", title="project")
    pixels = imread(png)
    assert pixels.shape[:2] == (_side(shown), _side(shown))
    assert pixels.shape[2] in (3, 4)
    # the shares are drawn: the plot is not blank (pixels of more than a few colours)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 50


def test_an_empty_report_still_writes_a_png(tmp_path: Path) -> None:
    png = plot_confusion_matrix([], np.zeros((0, 0)), tmp_path / "cm.png")
    assert imread(png).shape[:2] == (_side(0), _side(0))
