"""The sales API."""
