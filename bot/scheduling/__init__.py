"""Scheduled messages: jobs enqueue outbox rows, a delivery worker sends them."""
