"""Reminders, digests and escalations by email and Microsoft Teams, through the outbox."""
