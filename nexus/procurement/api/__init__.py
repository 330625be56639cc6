"""The procurement API."""
