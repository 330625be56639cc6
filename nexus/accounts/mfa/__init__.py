"""Multi-factor mechanisms: encryption of secrets, TOTP, recovery codes, login challenges, policy."""
