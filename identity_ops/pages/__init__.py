"""The pages that emailed links open: accept an invitation, verify an address, choose a new password."""
