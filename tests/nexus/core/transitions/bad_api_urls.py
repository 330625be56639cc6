"""A URLconf serving serializers that could write a state field (for the system-check tests)."""

from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from tests.kernel_example.models import Gadget, GadgetKind


class WritableStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gadget
        fields = ["id", "name", "status"]


class ReadOnlyStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gadget
        fields = ["id", "name", "status"]
        read_only_fields = ["status"]


class KindWithGadgetsSerializer(serializers.ModelSerializer):
    """Writes gadgets nested in their kind: the nested status is as writable as a top-level one."""

    gadgets = WritableStatusSerializer(many=True)

    class Meta:
        model = GadgetKind
        fields = ["id", "name", "gadgets"]


class WritableStatusViewSet(viewsets.ModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = WritableStatusSerializer


class ReadOnlyStatusViewSet(viewsets.ModelViewSet):
    queryset = Gadget.objects.all()
    serializer_class = ReadOnlyStatusSerializer


class KindViewSet(viewsets.ModelViewSet):
    queryset = GadgetKind.objects.all()
    serializer_class = KindWithGadgetsSerializer


router = SimpleRouter()
router.register("bad-gadgets", WritableStatusViewSet, basename="bad-gadget")
router.register("good-gadgets", ReadOnlyStatusViewSet, basename="good-gadget")
router.register("kinds", KindViewSet, basename="kind")

urlpatterns = router.urls
