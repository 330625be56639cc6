"""Pure supply-chain calculations (allocation, forecasting, ATP buckets): no ORM."""
