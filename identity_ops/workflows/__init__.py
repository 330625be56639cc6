"""Stateful identity processes, one module per workflow."""
