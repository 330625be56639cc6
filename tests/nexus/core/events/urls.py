"""A request that changes something and publishes an event, as a domain view would."""

import json

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from nexus.core import scope
from tests.kernel_example.models import Gadget

from .conftest import publish_counted


@csrf_exempt
@require_POST
def count_gadget(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    with scope.tenant(body["tenant_id"]), transaction.atomic():
        gadget = Gadget.objects.create(name="Counted", quantity=body["quantity"])
        event = publish_counted(gadget_id=gadget.pk, quantity=body["quantity"])
    return JsonResponse({"gadget_id": gadget.pk, "event_id": event.pk})


urlpatterns = [path("count-gadget/", count_gadget)]
