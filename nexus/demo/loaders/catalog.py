"""The demo's master data: warehouses in four US cities, industrial supplies, vendors, customers.

Everything is generated from fixed lists and a seeded random generator, so every run makes the
same data. Nothing here touches the database: the writer saves what these functions return.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from .sizes import Size


@dataclass(frozen=True)
class City:
    name: str
    region: str
    latitude: Decimal
    longitude: Decimal


def _city(name: str, region: str, latitude: str, longitude: str) -> City:
    return City(name, region, Decimal(latitude), Decimal(longitude))


# (code, name, city): distribution centres, in the order the data set uses them.
WAREHOUSES = [
    ("CHI1", "Chicago distribution centre", _city("Chicago", "IL", "41.878113", "-87.629799")),
    ("EWR1", "Newark distribution centre", _city("Newark", "NJ", "40.735657", "-74.172367")),
    ("DAL1", "Dallas distribution centre", _city("Dallas", "TX", "32.776664", "-96.796988")),
    ("LAX1", "Ontario (Los Angeles) distribution centre", _city("Ontario", "CA", "34.063344", "-117.650888")),
    # Only the large size has a fifth centre.
    ("ATL1", "Atlanta distribution centre", _city("Atlanta", "GA", "33.748997", "-84.387985")),
]
DROPSHIP_WAREHOUSE = ("DROP", "Vendor direct (dropship)")
# (code, name, kind): the locations of every physical warehouse.
LOCATIONS = [
    ("A-STOCK", "Aisles A (pick face)", "stock"),
    ("B-STOCK", "Aisles B (bulk)", "stock"),
    ("RECV", "Receiving dock", "staging"),
    ("QC", "Quality hold", "quality_hold"),
]

CUSTOMER_CITIES = [
    _city("Milwaukee", "WI", "43.038902", "-87.906471"),
    _city("Detroit", "MI", "42.331427", "-83.045754"),
    _city("Indianapolis", "IN", "39.768403", "-86.158068"),
    _city("St. Louis", "MO", "38.627003", "-90.199404"),
    _city("Minneapolis", "MN", "44.977753", "-93.265011"),
    _city("Columbus", "OH", "39.961176", "-82.998794"),
    _city("Cleveland", "OH", "41.499320", "-81.694361"),
    _city("Kansas City", "MO", "39.099727", "-94.578567"),
    _city("Philadelphia", "PA", "39.952584", "-75.165222"),
    _city("Boston", "MA", "42.360082", "-71.058880"),
    _city("Baltimore", "MD", "39.290385", "-76.612189"),
    _city("Pittsburgh", "PA", "40.440625", "-79.995886"),
    _city("Hartford", "CT", "41.765804", "-72.673372"),
    _city("New York", "NY", "40.712776", "-74.005974"),
    _city("Charlotte", "NC", "35.227087", "-80.843127"),
    _city("Houston", "TX", "29.760427", "-95.369803"),
    _city("Austin", "TX", "30.267153", "-97.743061"),
    _city("San Antonio", "TX", "29.424122", "-98.493628"),
    _city("Oklahoma City", "OK", "35.467560", "-97.516428"),
    _city("New Orleans", "LA", "29.951066", "-90.071532"),
    _city("Memphis", "TN", "35.149534", "-90.048980"),
    _city("Phoenix", "AZ", "33.448377", "-112.074037"),
    _city("San Diego", "CA", "32.715738", "-117.161084"),
    _city("Las Vegas", "NV", "36.169941", "-115.139830"),
    _city("Sacramento", "CA", "38.581572", "-121.494400"),
    _city("San Jose", "CA", "37.338208", "-121.886329"),
    _city("Portland", "OR", "45.515232", "-122.678385"),
    _city("Seattle", "WA", "47.606209", "-122.332071"),
    _city("Salt Lake City", "UT", "40.760779", "-111.891047"),
    _city("Denver", "CO", "39.739236", "-104.990251"),
]

# (SKU prefix, name pattern, variants, unit, unit decimals, cost range, kg, m³ per unit)
FAMILIES = [
    (
        "FST-HB",
        "Hex bolt {v}, zinc plated",
        ["M6x30", "M8x40", "M8x60", "M10x50", "M10x80", "M12x60", "M12x100", "M16x80"],
        "pcs",
        0,
        (0.08, 0.9),
        (0.01, 0.12),
        (0.000002, 0.00002),
    ),
    (
        "FST-NT",
        "Hex nut {v}, grade 8",
        ["M6", "M8", "M10", "M12", "M16", "M20"],
        "pcs",
        0,
        (0.02, 0.35),
        (0.002, 0.05),
        (0.000001, 0.000005),
    ),
    (
        "FST-WS",
        "Flat washer {v}",
        ["M6", "M8", "M10", "M12", "M16"],
        "pcs",
        0,
        (0.01, 0.12),
        (0.001, 0.02),
        (0.0000005, 0.000003),
    ),
    (
        "FST-SC",
        "Wood screw {v}, box of 200",
        ["3x16", "3.5x30", "4x40", "4.5x50", "5x60", "6x80"],
        "box",
        0,
        (3.5, 14),
        (0.4, 1.6),
        (0.0004, 0.0012),
    ),
    (
        "FST-AN",
        "Concrete anchor {v}",
        ["M8x75", "M10x90", "M12x110"],
        "pcs",
        0,
        (0.6, 2.4),
        (0.05, 0.2),
        (0.00002, 0.00006),
    ),
    (
        "TL-DB",
        "HSS drill bit {v}",
        ["3 mm", "4 mm", "5 mm", "6 mm", "8 mm", "10 mm", "12 mm"],
        "pcs",
        0,
        (1.2, 9),
        (0.005, 0.06),
        (0.000005, 0.00003),
    ),
    (
        "TL-SB",
        "Circular saw blade {v}",
        ["165 mm 24T", "190 mm 40T", "254 mm 60T"],
        "pcs",
        0,
        (14, 48),
        (0.3, 0.9),
        (0.0008, 0.002),
    ),
    (
        "TL-WR",
        "Combination wrench {v}",
        ["10 mm", "13 mm", "17 mm", "19 mm", "24 mm"],
        "pcs",
        0,
        (4, 16),
        (0.08, 0.4),
        (0.00008, 0.0003),
    ),
    (
        "TL-HM",
        "Claw hammer {v}",
        ["16 oz", "20 oz", "24 oz"],
        "pcs",
        0,
        (9, 28),
        (0.6, 1.1),
        (0.0009, 0.0015),
    ),
    (
        "SF-GL",
        "Work gloves {v}",
        ["nitrile S", "nitrile M", "nitrile L", "cut-resistant M", "cut-resistant L", "leather XL"],
        "pair",
        0,
        (1.1, 9),
        (0.05, 0.2),
        (0.0003, 0.0008),
    ),
    (
        "SF-GG",
        "Safety goggles {v}",
        ["clear", "tinted", "anti-fog"],
        "pcs",
        0,
        (2.5, 11),
        (0.05, 0.12),
        (0.0004, 0.0009),
    ),
    ("SF-HH", "Hard hat {v}", ["white", "yellow", "blue"], "pcs", 0, (7, 22), (0.35, 0.5), (0.004, 0.006)),
    (
        "SF-EP",
        "Ear plugs {v}, box of 100",
        ["foam", "corded"],
        "box",
        0,
        (9, 26),
        (0.2, 0.4),
        (0.0008, 0.0015),
    ),
    (
        "EL-CB",
        "Installation cable {v}",
        ["3x1.5 mm²", "3x2.5 mm²", "5x2.5 mm²", "5x6 mm²"],
        "m",
        1,
        (0.4, 4.2),
        (0.08, 0.5),
        (0.00002, 0.0001),
    ),
    (
        "EL-CN",
        "Wire connector {v}, pack of 50",
        ["2-pole", "3-pole", "5-pole"],
        "pack",
        0,
        (6, 18),
        (0.1, 0.25),
        (0.0002, 0.0005),
    ),
    (
        "EL-FS",
        "Cartridge fuse {v}",
        ["6 A", "10 A", "16 A", "25 A", "32 A"],
        "pcs",
        0,
        (0.5, 3),
        (0.01, 0.03),
        (0.000005, 0.00002),
    ),
    (
        "CS-TP",
        "Duct tape {v}",
        ["48 mm silver", "48 mm black", "72 mm silver"],
        "roll",
        0,
        (2.5, 8),
        (0.25, 0.45),
        (0.0005, 0.0009),
    ),
    (
        "CS-AD",
        "Construction adhesive {v}",
        ["290 ml", "310 ml high-tack"],
        "pcs",
        0,
        (3.5, 9),
        (0.4, 0.5),
        (0.0004, 0.0005),
    ),
    (
        "CS-LB",
        "Machine oil {v}",
        ["ISO 32", "ISO 46", "ISO 68"],
        "l",
        2,
        (3, 9),
        (0.87, 0.9),
        (0.001, 0.0011),
    ),
    (
        "CS-CL",
        "Degreaser {v}",
        ["spray 500 ml", "5 l canister"],
        "pcs",
        0,
        (4, 32),
        (0.55, 5.3),
        (0.0006, 0.0055),
    ),
]

VENDOR_NAMES = [
    "Midwest Fastener Supply",
    "Great Lakes Industrial",
    "Atlantic Tool Works",
    "Lone Star Safety",
    "Pacific Electrical Wholesale",
    "Keystone Hardware",
    "Summit Abrasives",
    "Prairie Consumables",
    "Harbor Point Distribution",
    "Rocky Mountain Tooling",
    "Bayou Industrial Supply",
    "Copperline Cable",
    "Northwind Safety Gear",
    "Ironbridge Fasteners",
    "Redwood Tool & Die",
    "Cascade Adhesives",
    "Rheinland Präzision GmbH",
    "Nordlicht Werkzeuge AG",
    "Maple Leaf Industrial",
    "Laurentian Supply Co",
    "Granite State Hardware",
    "Sunbelt Distributors",
    "Heartland Electric",
    "Blue Ridge Safety",
]
# Vendors 16 and 17 bill in EUR, 18 and 19 in CAD; the rest in USD (the demo tenant's currency).
VENDOR_CURRENCIES = {
    16: ("EUR", Decimal("1.08")),
    17: ("EUR", Decimal("1.08")),
    18: ("CAD", Decimal("0.73")),
    19: ("CAD", Decimal("0.73")),
}
# These vendors deliver late more often than not (planning should notice).
LATE_VENDORS = {2, 7, 13, 17}

CUSTOMER_WORDS = (
    [
        "Acme",
        "Apex",
        "Summit",
        "Pioneer",
        "Keystone",
        "Liberty",
        "Frontier",
        "Cornerstone",
        "Beacon",
        "Evergreen",
        "Ironwood",
        "Riverside",
        "Lakeshore",
        "Granite",
        "Silverline",
        "Northstar",
        "Bluewater",
        "Redline",
        "Oakridge",
        "Union",
    ],
    [
        "Construction",
        "Builders",
        "Mechanical",
        "Electric",
        "Facilities",
        "Maintenance",
        "Contractors",
        "Fabrication",
        "Plant Services",
        "Renovations",
    ],
)


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    unit: str
    unit_decimals: int
    cost: Decimal  # what it typically costs to buy
    weight: Decimal
    volume: Decimal
    popularity: float  # relative share of the order lines
    trend: float = 0.0  # change of demand over a year, relative (0.2: a fifth more a year on)
    seasonality: float = 0.35  # amplitude of the construction season (0: none)


@dataclass(frozen=True)
class VendorSpec:
    code: str
    name: str
    currency: str
    exchange_rate: Decimal
    late: bool
    city: City


@dataclass(frozen=True)
class CustomerSpec:
    code: str
    name: str
    city: City
    warehouse_index: int  # the nearest distribution centre


def _money(value: float, places: str = "0.01") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places))


#: Yearly growth of a product's demand: most are steady, some grow or fade.
TRENDS = (0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.4, -0.2, -0.3)
#: How much a product follows the construction season: maintenance supplies hardly do.
SEASONALITIES = (0.05, 0.1, 0.1, 0.2, 0.35)


def products(size: Size, rng: random.Random) -> list[ProductSpec]:
    """``size.products`` items, cycling through the families and numbering repeats."""
    found: list[ProductSpec] = []
    round_number = 0
    while len(found) < size.products:
        for prefix, pattern, variants, unit, decimals, costs, kgs, volumes in FAMILIES:
            for index, variant in enumerate(variants):
                if len(found) >= size.products:
                    break
                suffix = f"{index + 1:02d}" + (f"-{round_number + 1}" if round_number else "")
                label = variant if not round_number else f"{variant} (series {round_number + 1})"
                share = rng.random()
                popularity = rng.random()
                found.append(
                    ProductSpec(
                        sku=f"{prefix}-{suffix}",
                        name=pattern.format(v=label),
                        unit=unit,
                        unit_decimals=decimals,
                        cost=_money(rng.uniform(*costs), "0.0001"),
                        weight=_money(scaled(kgs, share), "0.0001"),
                        volume=_money(scaled(volumes, share), "0.000001"),
                        # Pareto: the top fifth of the range takes about 80 % of the order lines,
                        # the long tail sells now and then.
                        popularity=0.002 + popularity**6,
                        trend=rng.choice(TRENDS),
                        seasonality=rng.choice(SEASONALITIES),
                    )
                )
        round_number += 1
    return found


def scaled(bounds: tuple[float, float], share: float) -> float:
    """A value between the bounds at the relative place ``share`` (one share for weight and volume)."""
    low, high = bounds
    return low + (high - low) * share


def vendors(size: Size) -> list[VendorSpec]:
    found = []
    # The cities of the full demo's four centres, so its vendors stay where they are.
    cities = [city for _, _, city in WAREHOUSES[:4]] + CUSTOMER_CITIES
    for index in range(size.vendors):
        currency, rate = VENDOR_CURRENCIES.get(index, ("USD", Decimal(1)))
        found.append(
            VendorSpec(
                code=f"V{index + 1:03d}",
                name=VENDOR_NAMES[index % len(VENDOR_NAMES)],
                currency=currency,
                exchange_rate=rate,
                late=index in LATE_VENDORS,
                city=cities[(index * 7) % len(cities)],
            )
        )
    return found


def distance_km(a: City, b: City) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def customers(size: Size) -> list[CustomerSpec]:
    """Customers across the cities, each served by its nearest distribution centre."""
    centres = [city for _, _, city in WAREHOUSES[: size.warehouses]]
    found = []
    first, second = CUSTOMER_WORDS
    for index in range(size.customers):
        city = CUSTOMER_CITIES[(index * 11) % len(CUSTOMER_CITIES)]
        nearest = min(range(len(centres)), key=lambda i: distance_km(city, centres[i]))
        name = f"{first[index % len(first)]} {second[(index * 3 + index // len(first)) % len(second)]}"
        found.append(
            CustomerSpec(
                code=f"C{index + 1:04d}", name=f"{name} ({city.name})", city=city, warehouse_index=nearest
            )
        )
    return found
