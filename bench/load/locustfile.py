"""The mixed workload of the load run: staff and systems using the API of the demo tenant.

Each simulated client logs in once (its own account, so that the per-user throttle measures one
person's pace, not the whole run's) and then sends requests at a fixed pace
(``constant_throughput``): ``LOAD_RATE`` requests per second in all, spread over the clients,
so the arrival rate does not fall when answers slow down (until every client is busy).

The mix, by weight: order lists (sales and purchase, first page and filtered) 35, product pages
(detail and search) 25, availability queries (free stock of a product per warehouse, the
available-to-promise figure the API offers) 25, and reservations 15: reserve one unit of free
stock for an open sales order line, then release it (a transition).

Every answer's time is recorded as a read or a write and summarised, with the error count, into
``LOAD_SUMMARY`` (JSON) when the run ends; ``bench/load/run.py`` drives the steps.
"""

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import HttpUser, constant_throughput, events, task

RATE = float(os.environ.get("LOAD_RATE", "10"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "10"))
TENANT = os.environ.get("LOAD_TENANT", "demo")
LOGIN = "/api/v1/auth/login/"
ACCOUNTS = json.loads(Path(os.environ.get("LOAD_ACCOUNTS", "var/bench-load-accounts.json")).read_text())

recorded: dict[str, list[float]] = {"read": [], "write": []}
by_name: dict[str, list[float]] = {}
errors: dict[str, int] = {}
started = time.monotonic()


@events.request.add_listener
def record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    if name == LOGIN:
        return  # once per client, before the paced requests
    recorded["read" if request_type == "GET" else "write"].append(response_time)
    by_name.setdefault(name, []).append(response_time)
    if exception is not None:
        key = f"{request_type} {name}: {str(exception)[:80]}"
        errors[key] = errors.get(key, 0) + 1


@events.quitting.add_listener
def summarise(environment: Any, **_: Any) -> None:
    target = os.environ.get("LOAD_SUMMARY")
    if not target:
        return
    Path(target).write_text(
        json.dumps(
            {
                "seconds": time.monotonic() - started,
                "times_ms": recorded,
                "by_name": by_name,
                "errors": errors,
            }
        )
    )


class Client(HttpUser):
    wait_time = constant_throughput(RATE / CLIENTS)
    accounts = iter(ACCOUNTS["accounts"])

    def on_start(self) -> None:
        account = next(Client.accounts)
        answer = self.client.post(LOGIN, json={"email": account["email"], "password": account["password"]})
        token = answer.json()["token"]
        self.client.headers.update({"Authorization": f"Token {token}", "X-Tenant": TENANT})
        self.products: list[int] = ACCOUNTS["products"]
        self.free: list[dict[str, int]] = ACCOUNTS["free_stock"]
        self.lines: list[int] = ACCOUNTS["open_lines"]
        # Start at a random point of the pace's period: clients started together would otherwise
        # send in bursts (all ten at once), which measures queueing, not the arrival rate.
        gevent.sleep(random.uniform(0, CLIENTS / RATE))

    @task(20)
    def sales_orders(self) -> None:
        if random.random() < 0.5:
            self.client.get("/api/v1/sales-orders/?page_size=20", name="sales orders")
        else:
            self.client.get(
                "/api/v1/sales-orders/?status=confirmed&page_size=20", name="sales orders ?status"
            )

    @task(15)
    def purchase_orders(self) -> None:
        self.client.get("/api/v1/purchase-orders/?status=sent&page_size=20", name="purchase orders ?status")

    @task(15)
    def product_page(self) -> None:
        product = random.choice(self.products)
        self.client.get(f"/api/v1/products/{product}/", name="product")

    @task(10)
    def product_search(self) -> None:
        self.client.get("/api/v1/products/?search=bolt&page_size=20", name="products ?search")

    @task(25)
    def availability(self) -> None:
        product = random.choice(self.products)
        self.client.get(f"/api/v1/stock-availability/?product={product}", name="availability ?product")

    @task(15)
    def reserve_and_release(self) -> None:
        stock = random.choice(self.free)
        answer = self.client.post(
            "/api/v1/reservations/",
            json={
                "product": stock["product"],
                "warehouse": stock["warehouse"],
                "quantity": "1",
                "required_date": time.strftime("%Y-%m-%d"),
                "source_type": "sales.salesorderline",
                "source_id": random.choice(self.lines),
            },
            name="reserve",
        )
        if answer.status_code == 201:
            self.client.post(f"/api/v1/reservations/{answer.json()['id']}/release/", json={}, name="release")
