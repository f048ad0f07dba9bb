"""The end-to-end tests use the session's PostgreSQL server (tests/conftest.py)."""
