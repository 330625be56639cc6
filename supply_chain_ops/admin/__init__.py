"""Admin screens of the supply-chain workflow records (and only of them)."""
