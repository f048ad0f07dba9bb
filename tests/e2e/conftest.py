"""The end-to-end tests use the same PostgreSQL server as the integration tests."""

from tests.integration.conftest import postgres_url  # noqa: F401 (a fixture, used by name)
