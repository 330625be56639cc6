"""The project's URLs plus an API with the audited mixin over the example gadgets.

Tests select it with ``@pytest.mark.urls("tests.nexus.core.audit.urls")``.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from nexus.core.api.audited import AuditedModelMixin
from nexus.core.api.base import NexusModelViewSet
from nexus.core.api.serializers import TenantModelSerializer
from nexus.urls import urlpatterns as project_urlpatterns
from tests.kernel_example.models import Gadget


class GadgetSerializer(TenantModelSerializer):
    class Meta:
        model = Gadget
        fields = ["id", "name", "kind", "quantity", "status"]
        read_only_fields = ["status"]


class AuditedGadgetViewSet(AuditedModelMixin, NexusModelViewSet):
    queryset = Gadget.objects.order_by("id")
    serializer_class = GadgetSerializer


router = SimpleRouter()
router.register("gadgets", AuditedGadgetViewSet, basename="audited-gadget")

urlpatterns = [
    path("api/v1/audited/", include((router.urls, "audited"), namespace="audited")),
    *project_urlpatterns,
]
