"""Kernel admin screens; each module registers its own."""
