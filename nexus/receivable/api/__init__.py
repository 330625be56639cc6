"""The receivable API."""
