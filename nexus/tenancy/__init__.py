"""Tenants, memberships and the tenant-aware permission backend."""
