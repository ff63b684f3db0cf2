"""Eligibility connector: the catalogue's coded conditions as an HTTP service, and its client.

* :mod:`~connectors.eligibility.codes`: the JA code table and the rules that combine codes.
* :mod:`~connectors.eligibility.facts`: :class:`Facts`, the typed input (a missing fact is unknown).
* :mod:`~connectors.eligibility.regions`: the ``region`` fact (시·도 [시·군·구], short forms) and the area a
  local government's service is limited to (from 소관기관명; condition ``REGION``, not a JA code).
* :mod:`~connectors.eligibility.catalogue`: the conditions packed into arrays, from the document
  store of ``ASSISTANT_HOME`` or from the catalogue's JSON folder.
* :mod:`~connectors.eligibility.evaluator`: vectorised evaluation → :class:`ServiceResult`.
* :mod:`~connectors.eligibility.service`: the FastAPI app (``python -m connectors.eligibility``;
  mounted at ``/connectors/eligibility`` by ``assistant serve``).
* :mod:`~connectors.eligibility.client`: :class:`EligibilityClient` (httpx, timeout, bounded retries).
"""
