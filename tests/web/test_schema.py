"""schemathesis against the lab's OpenAPI schema: whatever the schema allows, no 5xx.

Bounded: a few examples per operation (the heavy ones fewer), in process over ASGI.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

from plowshare.web import service  # noqa: E402
from plowshare.web.app import create_app  # noqa: E402

APP = create_app(processes=0, max_draws=120)  # bounded work per example
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
LIGHT = schema.exclude(path_regex="^/api/(bands|compare|claims)$")
HEAVY = schema.include(path_regex="^/api/(bands|compare)$")


def _no_server_error(case: object) -> None:
    response = case.call()  # type: ignore[attr-defined]
    assert response.status_code < 500, f"{case}: {response.status_code} {response.text[:300]}"
    if response.status_code == 422:
        detail = response.json()["detail"]
        assert isinstance(detail, str) and "\n" not in detail


@LIGHT.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_light_operations_never_5xx(case: object) -> None:
    _no_server_error(case)


@HEAVY.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_band_operations_never_5xx(case: object) -> None:
    _no_server_error(case)


def test_claims_draws_are_bounded() -> None:
    ops = schema.raw_schema["paths"]["/api/claims"]["post"]
    assert ops["requestBody"]
    assert service.MAX_CLAIMS_DRAWS <= 500
