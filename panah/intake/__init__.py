"""Intake: contacts from every channel, the location chain, routing and the queue (issue 4)."""
