"""Links in identity emails: by default Nexus's own pages for them (``identity_ops.pages``).

``settings.IDENTITY_OPS_LINKS`` maps each purpose to a URL template with ``{token}``; relative
ones are joined to ``settings.NEXUS_PUBLIC_URL``.
"""

from urllib.parse import quote, urljoin

from django.conf import settings

VERIFY_EMAIL = "verify_email"
ACCEPT_INVITATION = "accept_invitation"
RESET_PASSWORD = "reset_password"  # noqa: S105  (a link purpose, not a secret)
LOG_IN = "log_in"


def link(purpose: str, token: str = "") -> str:
    template = settings.IDENTITY_OPS_LINKS[purpose]
    return urljoin(settings.NEXUS_PUBLIC_URL, template.format(token=quote(token, safe="")))
