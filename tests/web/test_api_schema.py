"""A schema-driven fuzz of the whole API (schemathesis) from its own OpenAPI document, with a valid kiosk token:
no 500 anywhere, and every answer as the document describes it."""

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.support.app import seeded_app

_folder = Path(tempfile.mkdtemp(prefix="api-schema-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
# A budget that does not run out: the fuzzer sends thousands of numbers that find no one.
APP = seeded_app({"INSTANCE_PATH": _folder / "instance", "FAILED_LOOKUPS_PER_MINUTE": 1_000_000})
TOKEN = APP.config["DEMO_KIOSK_TOKENS"]["demo-metro"]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_request_as_documented(case):
    # A request of the right shape can still be refused for what it says (a damaged picture, a wrong checksum):
    # that is a documented 400 with a code, so schemathesis's "schema-valid request rejected" check does not apply.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=[positive_data_acceptance]
    )
    assert response.status_code < 500
