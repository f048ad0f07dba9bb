"""The JSON API against its own OpenAPI description, by schemathesis, on a real server.

Every operation is called with examples generated from the document (valid values, and
fuzzed ones); each answer must be no server error, a documented status, the documented
content type and a body that matches its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import settings

from tests.servers import serving
from web.api import openapi_document

schema = schemathesis.openapi.from_dict(openapi_document())
# Examples, boundary values (coverage) and fuzzing, valid and invalid data alike.
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.generation.update(max_examples=40)


@pytest.fixture(scope="module")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("api"), "2026-11-28") as url:
        yield url


@schema.parametrize()
# The same requests every run (CI is reproducible), and no per-example deadline: a loaded
# machine must not fail the description's check on wall-clock time.
@settings(derandomize=True, deadline=None)
def test_the_api_keeps_its_openapi_description(case: schemathesis.Case[Any], api_url: str):
    case.call_and_validate(base_url=api_url)


def test_the_document_is_openapi_3_1_with_every_operation():
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == ["/api/v1/occurrences",
                                         "/api/v1/occurrences/{occurrence_id}",
                                         "/api/v1/occurrences/{occurrence_id}/steps/{step}",
                                         "/api/v1/regions"]
    schemas = document["components"]["schemas"]
    assert {"OccurrenceOut", "OccurrenceDetail", "StepOut", "ErrorOut"} <= set(schemas)


def test_the_document_and_the_routes_name_the_same_operations():
    """The API's routes (declared in web.server.routes) and its document cannot drift apart."""
    from unittest.mock import Mock

    from starlette.routing import Mount, Route

    from web.api import PREFIX, Api
    from web.duty import DutyPages
    from web.pages import Pages
    from web.server import routes
    from web.signin import SignIn

    mounted = [r for r in routes(Mock(spec=Pages), Mock(spec=Api), Mock(spec=SignIn),
                                 Mock(spec=DutyPages))
               if isinstance(r, Mount) and r.path == PREFIX]
    assert len(mounted) == 1
    served = {(PREFIX + route.path.replace(":path}", "}"), method.lower())
              for route in mounted[0].routes if isinstance(route, Route)
              for method in route.methods or () if method != "HEAD"}
    documented = {(path, method) for path, operations in openapi_document()["paths"].items()
                  for method in operations}
    assert served - documented == {(f"{PREFIX}/openapi.json", "get")}
    assert documented <= served
