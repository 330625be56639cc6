"""Small pure helpers of the identity flows: keys, rate limits, links, tenant policies (no ORM)."""
