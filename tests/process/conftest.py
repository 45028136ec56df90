"""The process tests deliver to loopback servers, so their app allows 127.0.0.1 (KPILOT_WEBHOOK_ALLOW)."""

import pytest

from tests.conftest import make_settings

LOOPBACK_ALLOWED = frozenset({"127.0.0.1"})


@pytest.fixture(scope="module")
def app(demo_url: str):
    from api.app import create_app

    return create_app(make_settings(demo_url, webhook_allow="127.0.0.1"))
