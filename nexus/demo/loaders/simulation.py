"""A year of trading, simulated day by day in memory: what was ordered, received, sold and shipped.

The distribution centres sell industrial supplies to customers near them, on business days
(busiest on Monday, quietest on Friday). The range has the shape of a real one: a fifth of the
products take about 80 % of the order lines, and the most popular few are also sold over each
centre's trade counter most days, while the long tail sells now and then. Each product follows
the construction season (high in early summer, low around the new year) as much as it does —
anchors a lot, maintenance supplies hardly — and some grow or fade over the year. Each
Monday every centre reorders from each product's preferred vendor what its stock position
(on hand + on order - backorders) needs to last the lead time plus a month; vendors deliver on
their expected date, a few of them late more often than not, and some deliveries come in two
parts. Orders ship on their promised date as far as stock allows; what is short waits for the
next delivery, and an order still short ten days after its promised date is closed with what
it got. Everything is valued as inventory values it (moving average per product and
warehouse, cost layers consumed first-in-first-out), using inventory's own arithmetic.

Nothing here touches the database: ``simulate`` returns a ``History`` the writer saves.
"""

import datetime as dt
import itertools
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from nexus.inventory.quantities import average_cost, round_cost, share_of_value, value_of
from nexus.inventory.services.valuation import OpenLayer, consume_fifo

from .catalog import CustomerSpec, ProductSpec, VendorSpec
from .rates import DailyRates
from .sizes import Size

ZERO = Decimal(0)
ONE = Decimal(1)
LINES_PER_ORDER = 2.2
SHORT_CLOSE_DAYS = 10
DROPSHIP_SHARE = 0.03
CANCEL_SHARE = 0.02
SPLIT_DELIVERY_SHARE = 0.12
# The opening stock is ordered this many days before the history starts.
OPENING_ORDER_DAYS = 60
# Deliveries go to the pick face; the bulk aisles start empty (room to move stock around).
RECEIVING_LOCATION = "A-STOCK"
#: Demand by weekday (Monday to Friday), relative to the average business day.
WEEKDAY_FACTORS = (1.2, 1.1, 1.0, 0.95, 0.75)
#: A fast mover is sold over the counter on this share of business days.
COUNTER_DAYS = 0.9


@dataclass(eq=False)
class Terms:
    vendor: int
    product: int
    unit_price: Decimal  # in the vendor's currency
    minimum: Decimal
    multiple: Decimal
    lead_time: int
    priority: int
    vendor_sku: str


@dataclass(eq=False)
class PoLine:
    product: int
    quantity: Decimal
    unit_price: Decimal
    expected: dt.date
    received: Decimal = ZERO


@dataclass(eq=False)
class PurchaseOrder:
    vendor: int
    warehouse: int
    order_date: dt.date
    lines: list[PoLine]
    exchange_rate: Decimal  # the vendor's currency in the tenant's, on the order date
    status: str = "sent"
    receipts: list["Receipt"] = field(default_factory=list)


@dataclass(eq=False)
class ReceiptLine:
    po_line: PoLine
    quantity: Decimal
    move: "Move | None" = None


@dataclass(eq=False)
class Receipt:
    order: PurchaseOrder
    received_at: dt.datetime
    lines: list[ReceiptLine]
    posted: bool = True


@dataclass(eq=False)
class SoLine:
    product: int
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    requested: dt.date
    warehouse: int | None  # None: dropship
    shipped: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.quantity - self.shipped


@dataclass(eq=False)
class SalesOrder:
    customer: int
    warehouse: int
    order_date: dt.date
    lines: list[SoLine]
    status: str = "confirmed"
    confirmed_at: dt.datetime | None = None
    closed_short: bool = False
    closed_at: dt.datetime | None = None  # when it was closed short


@dataclass(eq=False)
class ShipmentLine:
    so_line: SoLine
    quantity: Decimal
    moves: list["Move"] = field(default_factory=list)


@dataclass(eq=False)
class Shipment:
    order: SalesOrder
    warehouse: int | None
    shipped_at: dt.datetime
    lines: list[ShipmentLine]


@dataclass(eq=False)
class Layer:
    move: "Move"
    quantity_in: Decimal
    unit_cost: Decimal
    open: OpenLayer


@dataclass(eq=False)
class Move:
    """A stock move as inventory would have posted it, with its cost layer or FIFO consumptions."""

    product: int
    warehouse: int
    location: str
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    inbound: bool
    occurred_at: dt.datetime
    receipt_line: ReceiptLine | None = None
    shipment_line: ShipmentLine | None = None
    layer: Layer | None = None
    consumed: list[tuple[Layer, Decimal]] = field(default_factory=list)


@dataclass
class History:
    """Everything the simulated year produced, in the order it happened."""

    start: dt.date
    today: dt.date
    terms: list[Terms]
    purchase_orders: list[PurchaseOrder]
    receipts: list[Receipt]
    sales_orders: list[SalesOrder]
    shipments: list[Shipment]
    moves: list[Move]
    layers: list[Layer]


def season(day: dt.date, amplitude: float = 0.35) -> float:
    """Demand relative to the year's average: high in June, low around the new year."""
    return (1 + amplitude * wave(day)) * holidays(day)


def wave(day: dt.date) -> float:
    """The construction season's swing on ``day``, from -1 (December) to 1 (June)."""
    return math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365)


def holidays(day: dt.date) -> float:
    return 0.5 if day.month == 12 and day.day > 20 else 1.0


def growth(product: ProductSpec, day: dt.date, start: dt.date) -> float:
    """The product's demand on ``day`` relative to the middle of the history (its trend)."""
    return trended(product, (day - start).days / 365 - 0.5)


def trended(product: ProductSpec, years: float) -> float:
    """The product's demand ``years`` after the middle of the history, relative to it."""
    return max(0.1, 1 + product.trend * years)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def vendor_terms(products: list[ProductSpec], vendors: list[VendorSpec], rng: random.Random) -> list[Terms]:
    """One to three vendors per product; the first (priority 1) is the preferred one."""
    terms = []
    count = len(vendors)
    for index, product in enumerate(products):
        family = product.sku.rsplit("-", 2)[0]
        base = sum(map(ord, family)) % count
        for rank in range(1 + index % 3):
            vendor = (base + rank * 5) % count
            spec = vendors[vendor]
            cheap = product.cost < Decimal(1)
            lead = rng.randint(25, 40) if spec.currency == "EUR" else rng.randint(5, 21)
            price = product.cost / spec.exchange_rate * Decimal(str(round(rng.uniform(0.94, 1.08), 3)))
            terms.append(
                Terms(
                    vendor=vendor,
                    product=index,
                    unit_price=price.quantize(Decimal("0.0001")),
                    minimum=Decimal(rng.choice([100, 200, 500]))
                    if cheap
                    else Decimal(rng.choice([0, 5, 10])),
                    multiple=Decimal(rng.choice([50, 100])) if cheap else Decimal(rng.choice([1, 1, 5, 10])),
                    lead_time=lead,
                    priority=rank + 1,
                    vendor_sku=f"{spec.code}-{product.sku}",
                )
            )
    return terms


def order_quantity(wanted: Decimal, terms: Terms) -> Decimal:
    quantity = max(wanted, terms.minimum)
    return (quantity / terms.multiple).to_integral_value(rounding=ROUND_CEILING) * terms.multiple


class Simulation:
    def __init__(
        self,
        size: Size,
        products: list[ProductSpec],
        vendors: list[VendorSpec],
        customers: list[CustomerSpec],
        today: dt.date,
        rng: random.Random,
        rates: DailyRates,
    ) -> None:
        self.size, self.products, self.vendors, self.customers = size, products, vendors, customers
        self.rng = rng
        self.rates = rates
        self.today = today
        self.start = today - dt.timedelta(days=size.days)
        self.terms = vendor_terms(products, vendors, rng)
        self.preferred = {t.product: t for t in self.terms if t.priority == 1}
        self.warehouses = range(size.warehouses)
        self.customers_of = {
            w: [i for i, c in enumerate(customers) if c.warehouse_index == w] or list(range(len(customers)))
            for w in self.warehouses
        }
        total = sum(p.popularity for p in products)
        # Cumulative, so that drawing a product does not sum every weight again (10,000 products);
        # recomputed each day from the products' seasons and trends (``day_weights``).
        self.cum_weights = list(itertools.accumulate(p.popularity for p in products))
        self.day_share = 1.0
        self.mean_quantity = [max(1.0, min(120.0, 30 / math.sqrt(float(p.cost) + 0.05))) for p in products]
        by_popularity = sorted(range(len(products)), key=lambda i: -products[i].popularity)
        self.fast = sorted(by_popularity[: round(len(products) * size.fast_movers)])
        # What a trade counter sells of a fast mover on a day it sells it, on average.
        self.counter_quantity = {i: max(1.0, self.mean_quantity[i] * 0.6) for i in self.fast}
        # Expected calendar-day demand of a product in one warehouse (for reordering).
        self.daily = [
            size.orders_per_day * LINES_PER_ORDER * (p.popularity / total) * self.mean_quantity[i] * 5 / 7
            + COUNTER_DAYS * self.counter_quantity.get(i, 0.0) * 5 / 7
            for i, p in enumerate(products)
        ]
        # Quantity ordered per (product, warehouse) and week since the start, for the trailing forecast.
        self.ordered: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.on_hand: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        self.on_order: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        self.pools: dict[tuple[int, int], tuple[Decimal, Decimal, list[OpenLayer]]] = {}
        self.arrivals: dict[dt.date, list[tuple[PurchaseOrder, PoLine, Decimal]]] = defaultdict(list)
        self.backlog: list[tuple[SalesOrder, SoLine]] = []
        self.purchase_orders: list[PurchaseOrder] = []
        self.receipts: list[Receipt] = []
        self.sales_orders: list[SalesOrder] = []
        self.shipments: list[Shipment] = []
        self.moves: list[Move] = []
        self.layers: list[Layer] = []
        self.layer_of: dict[int, Layer] = {}

    # -- the year ------------------------------------------------------------------------------

    def run(self) -> History:
        self.opening_stock()
        day = self.start
        while day < self.today:
            self.receive(day)
            if day.weekday() < 5:
                self.take_orders(day)
                self.ship(day)
            if day.weekday() == 0:
                self.reorder(day)
            day += dt.timedelta(days=1)
        self.take_orders(self.today)  # this morning's orders, not shipped yet
        self.finish()
        return History(
            start=self.start,
            today=self.today,
            terms=self.terms,
            purchase_orders=self.purchase_orders,
            receipts=self.receipts,
            sales_orders=self.sales_orders,
            shipments=self.shipments,
            moves=self.moves,
            layers=self.layers,
        )

    def opening_stock(self) -> None:
        """Stock for about six weeks of demand, ordered two months before and received the day before."""
        ordered = self.start - dt.timedelta(days=OPENING_ORDER_DAYS)
        arrived = self.start - dt.timedelta(days=1)
        for warehouse in self.warehouses:
            by_vendor: dict[int, list[PoLine]] = defaultdict(list)
            for product, terms in sorted(self.preferred.items()):
                wanted = Decimal(math.ceil(self.daily[product] * 42))
                by_vendor[terms.vendor].append(
                    PoLine(product, order_quantity(wanted, terms), terms.unit_price, arrived)
                )
            for vendor, lines in sorted(by_vendor.items()):
                order = PurchaseOrder(vendor, warehouse, ordered, lines, self.rate(vendor, ordered))
                self.purchase_orders.append(order)
                for line in lines:
                    self.arrivals[arrived].append((order, line, line.quantity))
                    self.on_order[(line.product, warehouse)] += line.quantity
        self.receive(arrived)

    # -- receiving -----------------------------------------------------------------------------

    def receive(self, day: dt.date) -> None:
        """Post today's deliveries: one receipt per order, goods valued at the order's price."""
        by_order: dict[int, list[tuple[PoLine, Decimal]]] = defaultdict(list)
        orders: dict[int, PurchaseOrder] = {}
        for order, line, quantity in self.arrivals.pop(day, []):
            if order.status == "cancelled":
                continue
            by_order[id(order)].append((line, quantity))
            orders[id(order)] = order
        for key, lines in by_order.items():
            order = orders[key]
            received_at = at(day, 8 + self.rng.randint(0, 3), self.rng.choice([0, 15, 30, 45]))
            receipt = Receipt(order, received_at, [])
            rate = order.exchange_rate
            for line, quantity in lines:
                receipt_line = ReceiptLine(line, quantity)
                receipt.lines.append(receipt_line)
                line.received += quantity
                pair = (line.product, order.warehouse)
                self.on_order[pair] -= quantity
                self.on_hand[pair] += quantity
                receipt_line.move = self.stock_in(
                    pair, quantity, round_cost(line.unit_price * rate), received_at
                )
                receipt_line.move.receipt_line = receipt_line
            order.receipts.append(receipt)
            self.receipts.append(receipt)

    def stock_in(
        self, pair: tuple[int, int], quantity: Decimal, unit_cost: Decimal, when: dt.datetime
    ) -> Move:
        on_hand, value, layers = self.pools.get(pair, (ZERO, ZERO, []))
        move_value = value_of(quantity, unit_cost)
        move = Move(pair[0], pair[1], RECEIVING_LOCATION, quantity, unit_cost, move_value, True, when)
        open_layer = OpenLayer(0, unit_cost, quantity, when)
        layers.append(open_layer)
        move.layer = Layer(move, quantity, unit_cost, open_layer)
        self.layer_of[id(open_layer)] = move.layer
        self.layers.append(move.layer)
        self.pools[pair] = (on_hand + quantity, value + move_value, layers)
        self.moves.append(move)
        return move

    def stock_out(self, pair: tuple[int, int], quantity: Decimal, when: dt.datetime) -> Move:
        on_hand, value, layers = self.pools[pair]
        move_value = share_of_value(value, quantity, on_hand)
        move = Move(
            pair[0],
            pair[1],
            RECEIVING_LOCATION,
            quantity,
            average_cost(value, on_hand),
            move_value,
            False,
            when,
        )
        move.consumed = [(self.layer_of[id(layer)], taken) for layer, taken in consume_fifo(layers, quantity)]
        self.pools[pair] = (
            on_hand - quantity,
            value - move_value,
            [layer for layer in layers if layer.remaining],
        )
        self.moves.append(move)
        return move

    # -- selling -------------------------------------------------------------------------------

    def take_orders(self, day: dt.date) -> None:
        """Today's orders per distribution centre, from its customers, for delivery within the week,
        and what its trade counter sells today (shipped at once)."""
        self.day_weights(day)
        busy = WEEKDAY_FACTORS[day.weekday()] if day.weekday() < 5 else 1.0
        for warehouse in self.warehouses:
            expected = self.size.orders_per_day * self.day_share * busy
            count = max(0, round(self.rng.gauss(expected, math.sqrt(expected))))
            for _ in range(count):
                self.sales_orders.append(self.new_order(day, warehouse))
            counter = self.counter_order(day, warehouse, busy)
            if counter is not None:
                self.sales_orders.append(counter)

    def day_weights(self, day: dt.date) -> None:
        """Each product's share of today's order lines, from its popularity, season and trend."""
        # The day's swing and trend time once, not per product (10,000 products in the large size).
        swing, quiet, years = wave(day), holidays(day), (day - self.start).days / 365 - 0.5
        weights = [
            p.popularity * (1 + p.seasonality * swing) * quiet * trended(p, years) for p in self.products
        ]
        self.cum_weights = list(itertools.accumulate(weights))
        self.day_share = self.cum_weights[-1] / sum(p.popularity for p in self.products)

    def counter_order(self, day: dt.date, warehouse: int, busy: float) -> SalesOrder | None:
        """The fast movers a trade counter sells over the day, to its customers, in one order
        (none on a day it sells none of them)."""
        rng = self.rng
        lines = []
        for product in self.fast:
            spec = self.products[product]
            if rng.random() >= COUNTER_DAYS:
                continue
            mean = self.counter_quantity[product] * busy * season(day, spec.seasonality)
            mean *= growth(spec, day, self.start)
            quantity = Decimal(max(1, round(rng.gauss(mean, 0.35 * mean))))
            price = spec.cost * Decimal(str(round(rng.uniform(1.5, 1.9), 2)))
            lines.append(SoLine(product, quantity, price.quantize(Decimal("0.01")), ZERO, day, warehouse))
        if not lines:
            return None
        customer = rng.choice(self.customers_of[warehouse])
        order = SalesOrder(customer, warehouse, day, lines, confirmed_at=at(day, 9 + rng.randint(0, 4)))
        week = (day - self.start).days // 7
        for line in lines:
            self.ordered[(line.product, warehouse)][week] += line.quantity
        self.backlog.extend((order, line) for line in lines)
        return order

    def new_order(self, day: dt.date, warehouse: int) -> SalesOrder:
        rng = self.rng
        customer = rng.choice(self.customers_of[warehouse])
        requested = day + dt.timedelta(days=rng.randint(2, 7))
        while requested.weekday() >= 5:
            requested += dt.timedelta(days=1)
        count = min(len(self.products), max(1, round(rng.expovariate(1 / LINES_PER_ORDER))))
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(range(len(self.products)), cum_weights=self.cum_weights)[0])
        lines = []
        for product in sorted(chosen):
            quantity = Decimal(max(1, round(rng.expovariate(1 / self.mean_quantity[product]))))
            price = self.products[product].cost * Decimal(str(round(rng.uniform(1.35, 1.9), 2)))
            dropship = rng.random() < DROPSHIP_SHARE
            lines.append(
                SoLine(
                    product=product,
                    quantity=quantity,
                    unit_price=price.quantize(Decimal("0.01")),
                    discount=Decimal(rng.choice([0, 0, 0, 0, 5, 10])),
                    requested=requested,
                    warehouse=None if dropship else warehouse,
                )
            )
        order = SalesOrder(customer, warehouse, day, lines, confirmed_at=at(day, 9 + rng.randint(0, 7)))
        week = (day - self.start).days // 7
        for line in lines:
            if line.warehouse is not None:
                self.ordered[(line.product, line.warehouse)][week] += line.quantity
        if rng.random() < CANCEL_SHARE and day < self.today:
            order.status = "cancelled"
        else:
            self.backlog.extend((order, line) for line in lines)
        return order

    def ship(self, day: dt.date) -> None:
        """Ship what is due as far as stock allows (oldest promise first); drop-shipments go in full."""
        # The backlog is in order-taking order; sorting by date keeps that within a day (stable).
        due = sorted(
            ((order, line) for order, line in self.backlog if line.requested <= day and line.open > 0),
            key=lambda item: item[1].requested,
        )
        by_shipment: dict[tuple[int, int | None], Shipment] = {}
        for order, line in due:
            if order.closed_short:
                continue
            if line.warehouse is None:
                quantity = line.open
            else:
                quantity = min(line.open, self.on_hand[(line.product, line.warehouse)])
            if quantity <= 0:
                continue
            key = (id(order), line.warehouse)
            shipment = by_shipment.get(key)
            if shipment is None:
                shipment = Shipment(order, line.warehouse, at(day, 14 + self.rng.randint(0, 3)), [])
                by_shipment[key] = shipment
                self.shipments.append(shipment)
            shipment_line = ShipmentLine(line, quantity)
            shipment.lines.append(shipment_line)
            line.shipped += quantity
            if line.warehouse is not None:
                pair = (line.product, line.warehouse)
                self.on_hand[pair] -= quantity
                move = self.stock_out(pair, quantity, shipment.shipped_at)
                move.shipment_line = shipment_line
                shipment_line.moves.append(move)
        for order, line in due:
            late = (day - line.requested).days
            shipped_some = any(x.shipped > 0 for x in order.lines)
            if line.open > 0 and late >= SHORT_CLOSE_DAYS and shipped_some and not order.closed_short:
                order.closed_short, order.closed_at = True, at(day, 18)
        self.backlog = [(o, line) for o, line in self.backlog if line.open > 0 and not o.closed_short]

    # -- buying --------------------------------------------------------------------------------

    def reorder(self, day: dt.date) -> None:
        """Monday's orders: per warehouse and vendor, the products whose position is below reorder point.

        Each vendor is ordered from every other week (half of them on even weeks, half on odd).
        """
        week = day.isocalendar().week
        backorders: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for _, line in self.backlog:
            if line.warehouse is not None:
                backorders[(line.product, line.warehouse)] += line.open
        for warehouse in self.warehouses:
            by_vendor: dict[int, list[PoLine]] = defaultdict(list)
            for product, terms in sorted(self.preferred.items()):
                if (terms.vendor + week) % 2:
                    continue
                pair = (product, warehouse)
                daily = self.forecast(pair, day, terms.lead_time)
                position = self.on_hand[pair] + self.on_order[pair] - backorders[pair]
                # Slow movers sell in lumps: keep at least a few typical order lines on the shelf.
                lump = self.mean_quantity[product]
                reorder_point = Decimal(math.ceil(max(daily * (terms.lead_time * 1.5 + 14), 2 * lump)))
                if position >= reorder_point:
                    continue
                wanted = Decimal(math.ceil(max(daily * (terms.lead_time + 49), 4 * lump))) - position
                quantity = order_quantity(wanted, terms)
                by_vendor[terms.vendor].append(
                    PoLine(product, quantity, terms.unit_price, day + dt.timedelta(days=terms.lead_time))
                )
            for vendor, lines in sorted(by_vendor.items()):
                self.place(PurchaseOrder(vendor, warehouse, day, lines, self.rate(vendor, day)))

    def forecast(self, pair: tuple[int, int], day: dt.date, lead_time: int) -> float:
        """Daily demand to plan with: the seasonal expectation, or the last eight weeks if higher."""
        spec, arrival = self.products[pair[0]], day + dt.timedelta(days=lead_time)
        expected = self.daily[pair[0]] * season(arrival, spec.seasonality) * growth(spec, arrival, self.start)
        week = (day - self.start).days // 7
        weeks = self.ordered[pair]
        trailing = float(sum(weeks.get(w, ZERO) for w in range(week - 8, week))) / 56
        return max(expected, trailing)

    def rate(self, vendor: int, day: dt.date) -> Decimal:
        """The vendor's currency in the tenant's on ``day``: the demo's rate of that day, 1 for USD."""
        currency = self.vendors[vendor].currency
        return self.rates[currency][day] if currency in self.rates else ONE

    def place(self, order: PurchaseOrder) -> None:
        self.purchase_orders.append(order)
        rng = self.rng
        if rng.random() < CANCEL_SHARE and order.order_date < self.today - dt.timedelta(days=3):
            order.status = "cancelled"
            return
        vendor = self.vendors[order.vendor]
        for line in order.lines:
            self.on_order[(line.product, order.warehouse)] += line.quantity
        # A vendor delivers the whole order on one day, late or not; sometimes in two parts.
        delay = rng.randint(3, 12) if vendor.late and rng.random() < 0.7 else rng.choice([-1, 0, 0, 0, 1, 2])
        arrival = order.lines[0].expected + dt.timedelta(days=delay)
        split = rng.random() < SPLIT_DELIVERY_SHARE
        for line in order.lines:
            if split and line.quantity > 1:
                first = (line.quantity * Decimal("0.6")).to_integral_value()
                self.arrivals[arrival].append((order, line, first))
                later = arrival + dt.timedelta(days=rng.randint(3, 6))
                self.arrivals[later].append((order, line, line.quantity - first))
            else:
                self.arrivals[arrival].append((order, line, line.quantity))

    # -- where things stand today --------------------------------------------------------------

    def finish(self) -> None:
        for order in self.purchase_orders:
            if order.status == "cancelled":
                continue
            received = [line.received >= line.quantity for line in order.lines]
            if all(received):
                last = max(receipt.received_at for receipt in order.receipts)
                order.status = "closed" if (self.today - last.date()).days > 45 else "received"
            elif any(line.received > 0 for line in order.lines):
                order.status = "partially_received"
            else:
                order.status = "sent"
        for sale in self.sales_orders:
            if sale.status == "cancelled":
                continue
            if all(line.shipped >= line.quantity for line in sale.lines):
                sale.status = "shipped"
            elif sale.closed_short:
                sale.status = "closed"
            elif any(line.shipped > 0 for line in sale.lines):
                sale.status = "partially_shipped"
            else:
                sale.status = "confirmed"


def simulate(
    size: Size,
    products: list[ProductSpec],
    vendors: list[VendorSpec],
    customers: list[CustomerSpec],
    today: dt.date,
    rng: random.Random,
    rates: DailyRates,
) -> History:
    """The demo's year of history up to (not including) ``today``, plus this morning's orders.

    ``rates`` must hold a rate for every day from ``first_order_day(size, today)`` to ``today``.
    """
    return Simulation(size, products, vendors, customers, today, rng, rates).run()


def first_order_day(size: Size, today: dt.date) -> dt.date:
    """The day the earliest purchase order of the history is placed (the opening stock's)."""
    return today - dt.timedelta(days=size.days + OPENING_ORDER_DAYS)
