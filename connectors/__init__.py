"""Connectors: eligibility, Public MyData and task back ends (issue #5).

Each connector is a client (httpx, with timeouts, bounded retries and a
circuit breaker) plus actions (``<connector>/actions.py``, ``actions(settings)``) usable in-process or
through the Rasa action-server protocol (``python -m connectors``; see :mod:`assistant.dialogue.sdk`).
The engine loads them by name (``ASSISTANT_CONNECTOR_ACTIONS``) and never imports this package directly.
"""
