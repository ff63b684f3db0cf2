"""Public MyData connector: records fetched from a provider only under the citizen's explicit consent.

* :mod:`~connectors.mydata.scopes`: record types (scopes), purposes, :class:`ConsentError`.
* :mod:`~connectors.mydata.sandbox`: the provider sandbox (FastAPI, synthetic citizens, OAuth2 code flow);
  ``python -m connectors.mydata.sandbox --port N``.
* :mod:`~connectors.mydata.client`: :class:`MyDataProviderClient` (httpx, timeout, tenacity retries, circuit breaker).
* :mod:`~connectors.mydata.store`: :class:`ConsentStore` (consents, derived facts, append-only audit log).
* :mod:`~connectors.mydata.derive`: records → facts; :mod:`~connectors.mydata.median_income`: 기준 중위소득.
* :mod:`~connectors.mydata.consent`: :class:`MyDataConnector`, the flow the conversation calls.
* :mod:`~connectors.mydata.api`: :func:`create_router`, the consent HTTP API for the server to mount.
"""
