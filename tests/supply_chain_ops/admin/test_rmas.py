"""RMAs in the admin: the list and page, bulk approve/reject, step-up, queues, a new RMA from an order."""

from io import StringIO

import pytest
from django.core.management import call_command

from nexus.core.admin.queues import work_queues
from nexus.core.stepup import step_up_url
from nexus.tenancy.models import Tenant
from supply_chain_ops.models import Rma, RmaStatus
from supply_chain_ops.workflows import rmas
from supply_chain_ops.workflows.rmas import InspectionInput
from tests.nexus.procurement.helpers import messages_of, save_buttons
from tests.supply_chain_ops.admin.test_landed_costs import browser
from tests.supply_chain_ops.rma_site import approved_rma, draft_rma, received_rma, rma_site

pytestmark = pytest.mark.django_db
__all__ = ["rma_site"]

ADMIN = "/admin/supply_chain_ops/rma"


def submitted(site, *lines):
    return rmas.submit(draft_rma(site, *lines), actor=site.clerk)


def test_the_list_and_the_page_show_lines_with_their_returnable_quantity(rma_site):
    site = rma_site
    other = submitted(site, (site.bolt_line, "3"))
    rma = received_rma(site, (site.bolt_line, "4"))
    client = browser(site.manager, site.tenant, stepped_up=False)

    listing = client.get(f"{ADMIN}/", {"status__exact": "received"})
    page = client.get(f"{ADMIN}/{rma.pk}/change/")

    assert listing.status_code == 200
    assert rma.number in listing.content.decode()
    assert other.number not in listing.content.decode()
    content = page.content.decode()
    assert f"7 (10 shipped, 3 on {other.number})" in content
    assert "Transition history" in content
    assert [b["label"] for b in page.context["transition_buttons"]] == ["Inspect"]
    assert save_buttons(page) == []  # a received RMA moves on by its buttons only
    for age in ("week", "month", "older"):
        assert client.get(f"{ADMIN}/", {"age": age}).status_code == 200


def test_bulk_approve_approves_the_eligible_and_reports_the_one_that_is_not(rma_site):
    site = rma_site
    first = submitted(site, (site.pump_line, "1"))
    draft = draft_rma(site, (site.bolt_line, "1"))
    second = submitted(site, (site.bolt_line, "2"))
    client = browser(site.manager, site.tenant, stepped_up=False)

    response = client.post(
        f"{ADMIN}/",
        {"action": "transition_approve", "_selected_action": [first.pk, draft.pk, second.pk]},
    )

    assert response.status_code == 302
    [(level, message)] = messages_of(response)
    assert level == "warning"
    assert message.startswith("Approved 2; 1 failed: ")
    assert f"#{draft.pk}" in message
    statuses = dict(Rma.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: RmaStatus.APPROVED,
        draft.pk: RmaStatus.DRAFT,
        second.pk: RmaStatus.APPROVED,
    }


def test_bulk_reject_asks_for_one_reason_and_rejects_each(rma_site):
    site = rma_site
    first = submitted(site, (site.pump_line, "1"))
    second = submitted(site, (site.bolt_line, "2"))
    client = browser(site.manager, site.tenant, stepped_up=False)
    selected = {"action": "transition_reject", "_selected_action": [first.pk, second.pk]}

    form = client.post(f"{ADMIN}/", selected)
    done = client.post(
        f"{ADMIN}/", {**selected, "post": "yes", "reason": "No receipt", "idempotency_key": "k"}
    )

    assert form.status_code == 200
    assert "Reason" in form.content.decode()
    assert messages_of(done)[0][0] == "success"
    assert set(Rma.objects.values_list("status", flat=True)) == {RmaStatus.REJECTED}


def test_approving_above_the_limit_in_the_admin_asks_for_a_second_factor(rma_site):
    site = rma_site
    Tenant.objects.filter(pk=site.tenant.pk).update(policies={"rma_step_up_value": "50"})
    rma = submitted(site, (site.bolt_line, "4"))
    url = f"{ADMIN}/{rma.pk}/transition/approve/"

    refused = browser(site.manager, site.tenant, stepped_up=False).post(url, {"idempotency_key": "a"})
    bulk = browser(site.manager, site.tenant, stepped_up=False).post(
        f"{ADMIN}/", {"action": "transition_approve", "_selected_action": [rma.pk]}
    )
    assert refused["Location"] == step_up_url(url)
    assert messages_of(bulk)[0][0] == "error"
    assert Rma.objects.get(pk=rma.pk).status == RmaStatus.SUBMITTED

    approved = browser(site.manager, site.tenant, stepped_up=True).post(url, {"idempotency_key": "a"})

    assert messages_of(approved)[0][0] == "success"
    assert Rma.objects.get(pk=rma.pk).status == RmaStatus.APPROVED


def test_a_clerk_drafts_an_rma_from_a_sales_order_with_its_shipped_lines_filled_in(rma_site):
    site = rma_site
    submitted(site, (site.bolt_line, "3"))
    client = browser(site.clerk, site.tenant, stepped_up=False)

    page = client.get(f"{ADMIN}/from-order/", {"number": site.order.number})
    form = page.context["form"]
    assert [form[f"line_{line.pk}"].initial for line in (site.bolt_line, site.pump_line)] == [7, 4]

    response = client.post(
        f"{ADMIN}/from-order/",
        {
            "sales_order": site.order.pk,
            "reason": site.reason.pk,
            "requested_resolution": "refund",
            f"line_{site.bolt_line.pk}": "2",
            f"line_{site.pump_line.pk}": "",
        },
    )

    rma = Rma.objects.latest("id")
    assert response["Location"] == f"{ADMIN}/{rma.pk}/change/"
    assert list(rma.lines.values_list("sku", "requested_quantity")) == [("BOLT-10", 2)]


def test_the_queues_count_rmas_to_approve_receive_inspect_and_resolve(rma_site, rf):
    site = rma_site
    submitted(site, (site.pump_line, "1"))
    approved_rma(site, (site.bolt_line, "1"))
    received_rma(site, (site.bolt_line, "2"))
    queues = {queue.key: queue for queue in work_queues.queues()}
    request = rf.get("/admin/")
    request.user = site.manager

    counts = {
        key: queues[f"supply_chain.rmas_{key}"].queryset(request).count()
        for key in ("to_approve", "to_receive", "to_inspect", "to_resolve")
    }

    assert counts == {"to_approve": 1, "to_receive": 1, "to_inspect": 1, "to_resolve": 0}
    listed = browser(site.manager, site.tenant, stepped_up=False).get(
        queues["supply_chain.rmas_to_receive"].url()
    )
    assert listed.status_code == 200


def test_the_report_summarises_by_reason_and_disposition(rma_site):
    site = rma_site
    rma = received_rma(site, (site.bolt_line, "3"))
    line = rma.lines.get()
    rmas.inspect(
        rma,
        [InspectionInput(line.pk, "2", "restock"), InspectionInput(line.pk, "1", "scrap", defective=True)],
        actor=site.warehouse_clerk,
    )
    out = StringIO()

    call_command("rma_report", tenant=site.tenant.slug, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"Returns of {site.tenant.slug}"
    assert lines[3].split() == ["CHANGED-MIND", "1", "0", "3", "3"]
    assert [row.split() for row in lines[6:8]] == [["restock", "2", "4"], ["scrap", "1", "2"]]


def test_inspecting_from_the_admin_records_each_disposition(rma_site):
    site = rma_site
    rma = received_rma(site, (site.bolt_line, "3"))
    line = rma.lines.get()
    client = browser(site.warehouse_clerk, site.tenant, stepped_up=False)
    page = client.get(f"{ADMIN}/{rma.pk}/change/")
    [button] = page.context["transition_buttons"]
    assert (button["label"], button["url"]) == ("Inspect", f"{ADMIN}/{rma.pk}/inspect/")

    form = client.get(button["url"])
    assert form.context["form"][f"restock_{line.pk}"].initial == 3
    done = client.post(
        button["url"],
        {
            "key": "k1",
            f"restock_{line.pk}": "1",
            f"return_to_vendor_{line.pk}": "2",
            f"defective_{line.pk}": "on",
            "vendor": site.vendor.pk,
        },
    )

    assert done["Location"] == f"{ADMIN}/{rma.pk}/change/"
    assert Rma.objects.get(pk=rma.pk).status == RmaStatus.INSPECTED
    assert sorted(
        Rma.objects.get(pk=rma.pk).inspections.values_list("disposition", "quantity", "defective", "vendor")
    ) == [("restock", 1, True, None), ("return_to_vendor", 2, True, site.vendor.pk)]


def test_the_sales_order_page_links_to_a_new_rma_of_that_order(rma_site):
    site = rma_site
    page = browser(site.clerk, site.tenant, stepped_up=False).get(
        f"/admin/sales/salesorder/{site.order.pk}/change/"
    )

    assert page.context["object_links"] == [
        {
            "title": "Return goods (RMA)",
            "url": f"{ADMIN}/from-order/?sales_order={site.order.pk}",
            "icon": "assignment_return",
        }
    ]
    assert f"{ADMIN}/from-order/?sales_order={site.order.pk}" in page.content.decode()
    viewer_page = browser(site.warehouse_clerk, site.tenant, stepped_up=False).get(
        f"/admin/sales/salesorder/{site.order.pk}/change/"
    )
    assert viewer_page.context["object_links"] == []
