"""The supply-chain API under /api/v1/ (workflow records only)."""
