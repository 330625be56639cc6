"""Stateful supply-chain processes, one module per workflow."""
