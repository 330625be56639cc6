"""Workflow records of the supply-chain flows: FSM-backed, moved only by the transition service."""
