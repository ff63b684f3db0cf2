"""Benefit alerts (issue #5): with consent, re-evaluate eligibility when the catalogue or the citizen's facts
change and notify new matches through a channel that allows proactive messages.

* :mod:`~connectors.alerts.store`: subscriptions (consent record, facts snapshot or reference, channel and
  address, last evaluation) and the notification outbox.
* :mod:`~connectors.alerts.notifiers`: the :class:`Notifier` protocol; REST callback (push) and widget inbox
  (pull). A messaging app (KakaoTalk, Telegram) is one more push notifier registered by channel name.
* :mod:`~connectors.alerts.engine`: :class:`AlertEngine` (subscribe, update facts, ``run_once``, inbox).
* :mod:`~connectors.alerts.service`: the FastAPI app (mounted at ``/connectors/alerts`` by ``assistant serve``).
"""
