"""A small eligibility catalogue for the engine's conversation tests (the real one is in ../shared/data).

Three services, each coding an age range and an income band and run by a 시·도, so that the eligibility
form's most decisive facts are age, then region, then income (the domain's order breaks the ties), and
no other fact decides anything: the form asks exactly those three, like a fixed form would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app
from tests.live_server import LiveServer

SERVICES = [
    (ServiceInfo("T-SENIOR", "어르신 난방비 지원", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-SENIOR", "서울특별시",
                 ("노인복지법 제27조의2",)), {"JA0110": 65, "JA0111": 120, "JA0201": "Y"}),
    (ServiceInfo("T-YOUTH", "청년 교통비 지원", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-YOUTH", "부산광역시",
                 ("청년기본법 제3조",)), {"JA0110": 19, "JA0111": 39, "JA0201": "Y", "JA0202": "Y"}),
    (ServiceInfo("T-MIDDLE", "중장년 재취업 지원", "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/T-MIDDLE", "경기도",
                 ("고용정책 기본법 제6조",)), {"JA0110": 40, "JA0111": 64, "JA0201": "Y", "JA0202": "Y", "JA0203": "Y"}),
]


def engine_catalogue() -> Catalogue:
    """The three services above."""
    return Catalogue.from_records(SERVICES, version="engine-tests")


@contextmanager
def engine_eligibility_service() -> Iterator[str]:
    """Serve :func:`engine_catalogue` over HTTP for the duration; yields the base URL."""
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(engine_catalogue())))) as live:
        yield live.url
