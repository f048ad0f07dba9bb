"""Prefect flows: orchestration only; the work is in obligations/, calendars/ and state/."""
