"""The status store: planned occurrences, checklist status, evidence, audit, contacts, outbox.

SQLite by default, PostgreSQL through one URL; the same code and tests on both.
"""
