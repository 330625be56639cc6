"""Print how wide the admin's tables are at 1440 px, to keep them within the screen.

Runs the embedded demo (``make demo-data`` first) like ``scripts/screenshots.py`` and, in
Debian's Chromium at 1440 x 1200, opens every change list of the sidebar plus the change page of
the first row of each, then prints each table's width against the width it has on screen: a
table wider than its box scrolls sideways. ``--all`` prints every table, not only those that
overflow.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import ROOT, VIEWPORT, free_port, wait_until_up

MEASURE = """() => [...document.querySelectorAll('#result_list, #content-main table')].map(t => ({
    id: t.id || t.closest('fieldset, .inline-group, [id$="-group"]')?.id || t.className.slice(0, 30),
    width: Math.round(t.scrollWidth),
    box: Math.round((t.parentElement || t).clientWidth),
}))"""


def measure(page: Page, url: str) -> list[dict[str, object]]:
    page.goto(url, wait_until="load")
    found: list[dict[str, object]] = page.evaluate(MEASURE)
    return found


def main() -> None:
    chromium = os.environ.get("NEXUS_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    every = "--all" in sys.argv
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
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{base}/admin/login/")
            page.get_by_label("Email address").fill(credentials["email"])
            page.get_by_label("Password").fill(credentials["password"])
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{base}/admin/")
            lists = page.eval_on_selector_all(
                "#nav-sidebar a[href^='/admin/']",
                "links => [...new Set(links.map(a => a.getAttribute('href')))]",
            )
            for changelist in lists:
                pages = [changelist]
                for listed in (changelist, f"{changelist}?status__exact=draft"):
                    page.goto(base + listed)
                    first = page.locator("#result_list tbody tr a[href*='/change/']").first
                    href = first.get_attribute("href") if first.count() else None
                    if href and href not in pages:
                        pages.append(href)
                for url in pages:
                    for table in measure(page, base + url):
                        if every or table["width"] > table["box"]:  # type: ignore[operator]
                            print(f"{url:55} {table['id']:30} {table['width']:>5} px in {table['box']:>5}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
