"""The kernel's example models. Create them inside ``scope.tenant(...)`` or pass ``tenant``."""

import factory

from tests.kernel_example.models import Gadget, GadgetKind


class GadgetKindFactory(factory.django.DjangoModelFactory[GadgetKind]):
    class Meta:
        model = GadgetKind

    name = factory.Sequence(lambda n: f"Kind {n}")


class GadgetFactory(factory.django.DjangoModelFactory[Gadget]):
    class Meta:
        model = Gadget

    name = factory.Sequence(lambda n: f"Gadget {n}")
