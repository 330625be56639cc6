"""Write the admin's main screens to docs/screenshots/ as PNG (``make screenshots``).

Runs the embedded demo (``make demo-data`` first) on a free local port, logs in as the demo
administrator through the real login page, and photographs the dashboard, a purchase order, a
goods receipt and the stock ledger with Debian's Chromium (``NEXUS_CHROMIUM`` names another).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1440, "height": 1200}
ORDERS = "/admin/procurement/purchaseorder/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310  (our own local server)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def first_change_page(page: Page, base: str, changelist: str) -> str:
    """The change page of the first row of a (filtered) change list."""
    page.goto(base + changelist)
    href = page.locator("#result_list tbody tr a[href*='/change/']").first.get_attribute("href")
    if not href:
        raise SystemExit(f"nothing listed at {changelist}: load the demo data first (make demo-data)")
    return base + href


def main() -> None:
    chromium = os.environ.get("NEXUS_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    credentials = json.loads((ROOT / "var" / "demo-credentials.json").read_text())
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--insecure", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{base}/health/live/")
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{base}/admin/login/")
            page.get_by_label("Email address").fill(credentials["email"])
            page.get_by_label("Password").fill(credentials["password"])
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/admin/")
            shots = {
                "dashboard": f"{base}/admin/",
                "purchase-order": first_change_page(page, base, f"{ORDERS}?status__exact=sent"),
                "goods-receipt": first_change_page(page, base, "/admin/procurement/goodsreceipt/"),
                "stock-ledger": f"{base}/admin/inventory/stockmove/",
            }
            for name, url in shots.items():
                page.goto(url)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"docs/screenshots/{name}.png  {url.removeprefix(base)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
