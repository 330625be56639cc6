"""The sealed audit chain (docs/kernel.md, "The audit chain").

``record_event`` appends an unsealed event in the caller's transaction; the sealer
(``nexus.core.audit.sealer``) later chains committed events per tenant; ``verify_audit_chain``
recomputes the chains; erasure clears the personal-data column without breaking them.
"""

from .recording import record_event

__all__ = ["record_event"]
