"""The sealed audit chain (docs/kernel.md, "The audit chain").

``record_event`` appends an unsealed event in the caller's transaction; the sealer
(``nexus.core.audit.sealer``) later chains committed events per tenant; ``verify_audit_chain``
recomputes the chains, each event by its hash version; erasure clears the erasable part
(personal data, and from version 2 the labels) without breaking them.
"""

from .recording import record_event

__all__ = ["record_event"]
