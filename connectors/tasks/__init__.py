"""Task connector: apply for a service, look up the status, cancel (issue #5).

* :mod:`~connectors.tasks.checklist`: the required documents (구비서류) of a service, marking those
  Public MyData can supply.
* :mod:`~connectors.tasks.store`: applications in SQLite/PostgreSQL, idempotent by key, with the state machine.
* :mod:`~connectors.tasks.service`: the FastAPI back end (``python -m connectors.tasks``; mounted at
  ``/connectors/tasks`` by ``assistant serve``).
* :mod:`~connectors.tasks.client`: :class:`TasksClient` (httpx, timeout, bounded retries, circuit breaker).
"""
