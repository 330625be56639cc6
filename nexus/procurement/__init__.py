"""Vendors, purchase orders, goods receipts, vendor bills and requisitions."""
