"""Credit notes."""
