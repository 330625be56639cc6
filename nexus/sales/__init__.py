"""Customers, sales orders and shipments."""
