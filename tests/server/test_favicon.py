"""The widget's icon: ``/favicon.ico`` (asked for by browsers on any page) and the page's ``<link rel=icon>`` are served,
so the browser console shows no 404."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.server.app import create_app


@pytest.fixture(scope="module")
def client(bundled_settings, bundled_router) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(bundled_settings, router=bundled_router)) as c:
        yield c


def _is_svg(body: bytes) -> bool:
    return ET.fromstring(body).tag == "{http://www.w3.org/2000/svg}svg"


def test_favicon_ico_is_an_svg(client: TestClient) -> None:
    r = client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert _is_svg(r.content)


def test_page_links_an_icon_that_is_served(client: TestClient) -> None:
    page = client.get("/").text
    m = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert m, "index.html has no <link rel=icon>"
    r = client.get(m.group(1))
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml") and _is_svg(r.content)
