"""Which tenant an emailed link belongs to, found without reading across tenants.

A person who opens a verification or invitation link is anonymous, so nothing names the tenant
yet. This global table maps the digest of the link's key to its tenant; the flow then reads the
registration or invitation in that tenant alone, under row-level security, instead of entering
the system context for every link opened. It holds a digest and a tenant, nothing personal.
"""

from django.db import models


class LinkKey(models.Model):
    digest = models.CharField(max_length=64, unique=True)
    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "link key"

    def __str__(self) -> str:
        return f"link key {self.digest[:12]}… of tenant {self.tenant_id}"
