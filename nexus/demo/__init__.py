"""Loads the deterministic demo tenant; may read every domain, nothing imports it."""
