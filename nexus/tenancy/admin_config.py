"""Install ``NexusAdminSite`` as ``django.contrib.admin.site`` (replaces ``django.contrib.admin``)."""

from django.contrib.admin.apps import AdminConfig


class NexusAdminConfig(AdminConfig):
    default_site = "nexus.tenancy.admin_site.NexusAdminSite"
