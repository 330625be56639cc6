"""Implementations of the orchestrators' contracts on the nexus domains (ORM)."""
