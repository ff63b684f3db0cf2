"""Eligibility conversation actions (Rasa-SDK shape; see :mod:`assistant.dialogue.sdk`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.dialogue.sdk import SdkAction
    from assistant.settings import Settings


def actions(settings: Settings) -> list[SdkAction]:
    """The eligibility connector's actions."""
    return []
