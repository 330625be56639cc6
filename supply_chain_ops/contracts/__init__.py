"""What the supply-chain orchestrator needs from the domains, as typing.Protocols and plain data.

One module per area; each contract is coarse (one call per step of a use case) and batch-shaped
underneath (lists of ids in, mappings out), so an adapter answers with a constant number of
queries. Implementations live in ``adapters/supply_chain_*.py`` and reach the orchestrator only
through ``supply_chain_ops.wiring``.
"""
