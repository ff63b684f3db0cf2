"""Connectors: eligibility, Public MyData and task back ends (issue #5).

Each connector will be a client (httpx, with timeouts, bounded retries and a
circuit breaker) plus actions usable in-process or through the Rasa
action-server protocol. The engine loads them by name and never imports this
package directly. Implemented: :mod:`connectors.eligibility` and :mod:`connectors.mydata`. Tasks are still to come.
"""
