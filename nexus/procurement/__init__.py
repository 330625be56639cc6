"""Vendors, purchase orders, goods receipts and vendor bills."""
