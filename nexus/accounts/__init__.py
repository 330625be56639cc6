"""Users, login mechanisms, tokens, devices and MFA."""
