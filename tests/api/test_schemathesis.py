"""Property-based API testing against our own OpenAPI schema: no 5xx, every response matches its schema.

Schemathesis' pytest plugin does not run under this pytest version, so the operations are driven
through Hypothesis directly; each operation gets its own generated cases and all default checks.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup

SETTINGS = settings(
    max_examples=12, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


# Every check runs. "Valid data accepted" is told that schema-valid input may still break a business
# rule (422: an id that does not exist, a period ending before it starts) or lack/miss a version (428/412).
# Changing one's password checks the current one, and repeated wrong guesses are throttled (429) by design;
# so is a web-app login with generated names.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422", "428"]}
        },
        "operations": [
            {
                "include-path": "/api/v1/me/password",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "422", "429"]}},
            },
            {
                "include-path": "/api/v1/auth/session",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "422", "429"]}},
            },
        ],
    }
)


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


def _admin(client) -> dict[str, str]:
    """A fresh admin session: generated calls may log out, sign the admin out everywhere or lock the admin's
    name out of this address (all by design), so each operation starts with a session of its own."""
    from sqlalchemy import select

    from core.clock import clock_for
    from core.db import session_scope
    from core.tables import User
    from workflows.org import sessions

    settings = client.app.state.settings
    with session_scope(settings.database_url) as s:
        admin = s.execute(select(User).where(User.username == "admin")).scalar_one()
        token = sessions.start(s, settings, admin, clock_for(settings).now())
    return {"Authorization": f"Bearer {token}"}


def _check_for(op, client):
    """Generated cases of one operation, sent as admin (each case with its own session when the operation ends
    sessions: logout, sign-out)."""
    admin = _admin(client)
    ends_sessions = "logout" in op.label or "sign-out" in op.label

    @given(case=op.as_strategy())
    @SETTINGS
    def check(case) -> None:
        # As admin every operation is reachable; the checks still apply to each 4xx answer.
        case.call_and_validate(headers=_admin(client) if ends_sessions else admin)

    return check


def test_every_operation_conforms(api_schema, client) -> None:
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    for op in operations:
        check = _check_for(op, client)
        try:
            check()
        except (AssertionError, FailureGroup) as exc:  # a failed check, reported per operation
            failures[op.label] = str(exc)[:2000]
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_stateful_links(api_schema, client) -> None:
    machine = api_schema.as_state_machine()

    class Authed(machine):  # type: ignore[misc, valid-type]  # schemathesis builds the base class at run time
        def get_call_kwargs(self, case):
            return {"headers": _admin(client)}

    Authed.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
