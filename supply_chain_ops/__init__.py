"""Orchestrator: dropship, landed cost, RMA, transfers, cross-docking, replenishment, ATP."""
