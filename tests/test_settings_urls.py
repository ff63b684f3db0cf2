"""URLs the settings derive from the host and port (the embedded services and the MyData callback)."""

from __future__ import annotations

from assistant.settings import Settings


def test_the_mydata_callback_defaults_to_this_server() -> None:
    assert Settings(port=8123).mydata_callback_url == "http://127.0.0.1:8123/mydata/callback"
    assert Settings(host="0.0.0.0", port=80).mydata_callback_url == "http://127.0.0.1:80/mydata/callback"
    configured = "https://assistant.example.go.kr/mydata/callback"
    assert Settings(mydata_redirect_uri=configured).mydata_callback_url == configured
