"""The audit-event admin: read-only for everyone, operators across chains, staff in their tenant."""

import pytest

from nexus.core import paginator, scope
from nexus.core.audit import record_event
from nexus.core.audit.sealer import seal_chains
from nexus.core.models import ActorKind, ActorRef, AuditEvent, ObjectRef

from .conftest import work_in

pytestmark = pytest.mark.django_db

EVENTS = "/admin/core/auditevent/"
ANN = ActorRef(ActorKind.USER, "11", "ann@example.com")


@pytest.fixture
def events(acme, globex):
    with scope.tenant(acme):
        record_event("gadget.approved", actor=ANN, obj=ObjectRef("kernel_example.gadget", "7", "Widget"))
        record_event("gadget.renamed", actor=ActorRef.system("import"), data={"to": "Sprocket"})
    with scope.tenant(globex):
        record_event("gadget.approved", actor=ANN)
    record_event("platform.tenant_created", actor=ActorRef.system("ops"))
    seal_chains()
    with scope.tenant(acme):
        record_event("gadget.archived", actor=ANN, personal={"ip": "192.0.2.1"})  # not sealed yet


def _listed(response) -> list[tuple[int | None, str]]:
    return [(e.tenant_id, e.action) for e in response.context["cl"].result_list]


@pytest.mark.smoke
def test_tenant_staff_see_their_tenants_events_and_its_seal_lag(client, acme, acme_admin, events):
    work_in(client, acme_admin, acme)
    response = client.get(EVENTS)

    assert response.status_code == 200
    listed = _listed(response)
    assert {tenant for tenant, _ in listed} == {acme.pk}
    assert sorted(action for _, action in listed) == ["gadget.approved", "gadget.archived", "gadget.renamed"]
    assert b"1 event waiting for the sealer" in response.content
    assert b"ann@example.com (#11)" in response.content
    assert b"kernel_example.gadget #7 Widget" in response.content
    assert b"/admin/core/auditevent/add/" not in response.content


def test_operators_see_every_chain_and_filter_by_tenant(client, operator, acme, globex, events):
    work_in(client, operator)
    everything = _listed(client.get(EVENTS))
    assert {tenant for tenant, _ in everything} >= {acme.pk, globex.pk, None}
    assert "platform.tenant_created" in {action for _, action in everything}

    only_globex = _listed(client.get(EVENTS, {"tenant__id__exact": globex.pk}))
    assert only_globex == [(globex.pk, "gadget.approved")]


def test_filters_and_search(client, acme, acme_admin, events):
    work_in(client, acme_admin, acme)
    assert _listed(client.get(EVENTS, {"actor_kind__exact": "system"})) == [(acme.pk, "gadget.renamed")]
    assert _listed(client.get(EVENTS, {"action": "gadget.archived"})) == [(acme.pk, "gadget.archived")]
    assert [a for _, a in _listed(client.get(EVENTS, {"sealed": "no"}))] == ["gadget.archived"]
    assert [a for _, a in _listed(client.get(EVENTS, {"q": "Widget"}))] == ["gadget.approved"]


def test_a_page_that_shows_the_end_puts_the_exact_count_in_place_of_the_estimate(
    client, acme, acme_admin, events, monkeypatch
):
    monkeypatch.setattr(paginator, "EXACT_BELOW", 1)
    monkeypatch.setattr(paginator, "estimated_count", lambda queryset: 40_000)  # far too high
    work_in(client, acme_admin, acme)

    listed = client.get(EVENTS).context["cl"]
    none = client.get(EVENTS, {"q": "no such event"}).context["cl"]

    assert (listed.result_count, listed.multi_page, len(listed.result_list)) == (3, False, 3)
    assert (none.result_count, none.multi_page, len(none.result_list)) == (0, False, 0)


def _action_choices(response) -> list[str]:
    specs = response.context["cl"].filter_specs
    spec = next(f for f in specs if getattr(f, "parameter_name", None) == "action")
    return [value for value, _ in spec.lookup_choices]


def test_the_action_filter_offers_the_actions_each_viewer_can_see(client, operator, acme, acme_admin, events):
    work_in(client, acme_admin, acme)
    assert _action_choices(client.get(EVENTS)) == ["gadget.approved", "gadget.archived", "gadget.renamed"]

    work_in(client, operator)
    assert _action_choices(client.get(EVENTS)) == [
        "gadget.approved",
        "gadget.archived",
        "gadget.renamed",
        "platform.tenant_created",
    ]


def test_an_event_page_is_read_only_and_shows_the_chain(client, acme, acme_admin, events):
    with scope.tenant(acme):
        event = AuditEvent.objects.get(action="gadget.renamed")
    work_in(client, acme_admin, acme)

    page = client.get(f"{EVENTS}{event.pk}/change/")
    assert page.status_code == 200
    assert event.hash.encode() in page.content
    assert b"Sprocket" in page.content
    assert b'name="_save"' not in page.content

    assert client.post(f"{EVENTS}{event.pk}/change/", {"action": "forged"}).status_code == 403
    assert client.post(f"{EVENTS}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{EVENTS}add/").status_code == 403
    with scope.tenant(acme):
        assert AuditEvent.objects.get(pk=event.pk).action == "gadget.renamed"


def test_another_tenants_event_is_not_found_for_tenant_staff(client, acme, globex, acme_admin, events):
    with scope.tenant(globex):
        theirs = AuditEvent.objects.get()
    work_in(client, acme_admin, acme)
    response = client.get(f"{EVENTS}{theirs.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect to the list


def test_the_list_uses_a_constant_number_of_queries(
    client, acme, acme_admin, events, django_assert_max_num_queries
):
    work_in(client, acme_admin, acme)
    client.get(EVENTS)  # warm the session and permission caches
    with django_assert_max_num_queries(20) as few:
        client.get(EVENTS)
    with scope.tenant(acme):
        for n in range(30):
            record_event("bulk.event", actor=ANN, data={"n": n})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(EVENTS)
