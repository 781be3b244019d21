"""A real headless Chromium (Debian's chromium and chromium-driver) through Selenium,
driven from async tests: every WebDriver call runs in a thread, so the dashboard's
server on the test's own event loop keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def need_chromium() -> None:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "needs Chromium and ChromeDriver (apt-get install chromium chromium-driver; "
            ".ci/run installs them)"
        )


class Browser:
    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def get(self, url: str) -> None:
        await asyncio.to_thread(self._driver.get, url)

    async def text(self, css: str) -> str:
        """The text of the element `css` finds, waiting (5 s at most) for it to be there:
        after a click the next page may still be loading."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        def read() -> str:
            found = WebDriverWait(self._driver, 5).until(
                expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
            )
            return str(found.text)

        return await asyncio.to_thread(read)

    async def click(self, css: str) -> None:
        from selenium.webdriver.common.by import By

        def press() -> None:
            self._driver.find_element(By.CSS_SELECTOR, css).click()

        await asyncio.to_thread(press)

    async def url(self) -> str:
        return str(await asyncio.to_thread(lambda: self._driver.current_url))

    async def console_errors(self) -> list[str]:
        """What the page logged at SEVERE: script errors, refused resources, CSP reports."""
        entries = await asyncio.to_thread(self._driver.get_log, "browser")
        return [str(entry["message"]) for entry in entries if entry["level"] == "SEVERE"]

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(self._driver.save_screenshot, str(path))


@asynccontextmanager
async def chromium(width: int = 1280, height: int = 900) -> AsyncIterator[Browser]:
    need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = await asyncio.to_thread(webdriver.Chrome, service=service, options=options)
    try:
        yield Browser(driver)
    finally:
        await asyncio.to_thread(driver.quit)
