"""A slot mapping's ``active_loop: null`` condition holds only while no form is active (Rasa 3's reading: the
condition's loop equals the tracker's); ``active_loop: NAME`` only while that form is, and a condition without
``active_loop`` whichever form is active (assistant/dialogue/forms.py ``_condition_holds``).

The domain's ``beneficiary`` slot uses it (s16 merge): outside the questionnaire a family word says whom the
conversation is about, so Public MyData is not offered for a child's application; inside it only the form sets it.
"""

from __future__ import annotations

import pytest

from assistant.dialogue.events import ActiveLoop
from assistant.dialogue.forms import _condition_holds
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.domain import SlotMapping


def tracker(loop: str | None) -> DialogueStateTracker:
    t = DialogueStateTracker("cond")
    if loop is not None:
        t.update(ActiveLoop(loop))
    return t


@pytest.mark.parametrize(("condition", "loop", "holds"), [
    ({"active_loop": None}, None, True),
    ({"active_loop": None}, "eligibility_form", False),
    ({"active_loop": "eligibility_form"}, "eligibility_form", True),
    ({"active_loop": "eligibility_form"}, None, False),
    ({"active_loop": "eligibility_form"}, "alerts_form", False),
    ({"requested_slot": None}, "eligibility_form", True),
    ({"requested_slot": None}, None, True),
])
def test_active_loop_condition(condition: dict[str, object], loop: str | None, holds: bool) -> None:
    m = SlotMapping(type="from_entity", entity="beneficiary", conditions=(condition,))
    assert _condition_holds(m, tracker(loop)) is holds


def test_the_beneficiary_slot_maps_its_entity_only_outside_a_form(processor) -> None:  # type: ignore[no-untyped-def]
    m = [x for x in processor.domain.slots["beneficiary"].mappings if x.type == "from_entity"]
    assert len(m) == 1 and m[0].conditions == ({"active_loop": None},)
    assert _condition_holds(m[0], tracker(None)) and not _condition_holds(m[0], tracker("eligibility_form"))
