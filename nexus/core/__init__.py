"""Tenant context, transitions, audit chain, outbox, sequences, money and the API kernel."""
