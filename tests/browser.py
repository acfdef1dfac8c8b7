"""Headless Chromium, the system's (Debian's `chromium` package), driven by Playwright: how the report's
browser test and scripts/write_report_screenshots.py open pages the way a person's browser does.

Playwright's own browser builds are never downloaded: it launches the system's executable."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

# Without the flags that stop Chromium's background connections (updates, sync, QUIC probes), a machine
# with no network refuses them and Chromium logs errors that are not the page's.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1200, "height": 900}


class NoChromium(RuntimeError):
    pass


def chromium_path() -> str:
    """The system's Chromium: `chromium` (Debian's name) or `chromium-browser` on PATH."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise NoChromium("no Chromium on this machine: install Debian's package ('apt-get install -y chromium'; "
                         ".ci/run does)")
    return found


@dataclass
class Visit:
    """What a page did while it loaded: console errors, uncaught exceptions, and every URL it requested."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def open_browser():
    """A fresh browser context (its own empty profile folder) of the system's Chromium."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    profile = tempfile.mkdtemp(prefix="ooh-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def visit(context, url: str):
    """Open `url` in a new tab and wait until the report's script has drawn its charts; returns the page and
    what it did."""
    page = context.new_page()
    seen = Visit()
    page.on("console", lambda message: seen.errors.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.goto(url)
    page.wait_for_selector("body[data-charts-drawn]", state="attached", timeout=30_000)
    return page, seen
