"""The application layer: what the CLI, the server and the flows do, as plain functions.

Each function takes what it works on as arguments (the settings, the store's engine, the
loaded definitions, "today"), so the same work runs from a command, a server start or a
Prefect task, and is tested without either. Nothing here imports `web/`, `flows/` or the
CLI (tests/unit/test_layers.py).
"""
