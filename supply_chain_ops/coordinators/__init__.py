"""Stateless synchronous supply-chain operations (landed-cost allocation, ATP ...)."""
