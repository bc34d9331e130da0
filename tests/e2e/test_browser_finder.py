"""The browser tests find a Chromium-family browser wherever it is installed."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.e2e import browsers
from tests.e2e.browsers import BROWSER_ENV, BrowserNotFound, find_browser

SNAP_STUB = (
    "echo \"Command '/usr/bin/chromium-browser' requires the chromium snap to be installed.\" >&2\n"
    "exit 1\n"
)


def _script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def no_browsers(tmp_path, monkeypatch):
    """A PATH with no browser on it, no configured browser and no Debian Chromium."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    monkeypatch.setattr(browsers, "DEBIAN_CHROMIUM", tmp_path / "no-such-chromium")
    return empty


def test_the_configured_path_comes_first(tmp_path, no_browsers, monkeypatch):
    _script(no_browsers, "google-chrome", "echo 'Google Chrome 150.0.1.2'\n")
    configured = _script(tmp_path / "opt", "my-chromium", "echo 'Chromium 149.0.7.8'\n")
    monkeypatch.setenv(BROWSER_ENV, str(configured))
    assert find_browser() == (configured, "Chromium 149.0")


def test_a_configured_browser_that_does_not_run_is_an_error_not_skipped(
    tmp_path, no_browsers, monkeypatch
):
    _script(no_browsers, "google-chrome", "echo 'Google Chrome 150.0.1.2'\n")
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "missing" / "chrome"))
    with pytest.raises(BrowserNotFound, match=rf"\${BROWSER_ENV} .*not found"):
        find_browser()


def test_debian_chromium_comes_before_browsers_on_path(tmp_path, no_browsers, monkeypatch):
    debian = _script(tmp_path / "usr-bin", "chromium", "echo 'Chromium 140.0.1 built on Debian'\n")
    monkeypatch.setattr(browsers, "DEBIAN_CHROMIUM", debian)
    _script(no_browsers, "google-chrome", "echo 'Google Chrome 150.0.1.2'\n")
    assert find_browser()[0] == debian


def test_google_chrome_on_path_is_found_as_on_ubuntu_runners(no_browsers):
    chrome = _script(no_browsers, "google-chrome", "echo 'Google Chrome 150.0.7871.2 '\n")
    assert find_browser() == (chrome, "Google Chrome 150.0")


def test_a_snap_stub_is_passed_over(no_browsers):
    _script(no_browsers, "chromium", SNAP_STUB)
    _script(no_browsers, "chromium-browser", SNAP_STUB)
    with pytest.raises(BrowserNotFound, match=r"chromium-browser on PATH .*did not run"):
        find_browser()
    chrome = _script(no_browsers, "google-chrome-stable", "echo 'Google Chrome 150.0.1.2'\n")
    assert find_browser()[0] == chrome


def test_something_else_answering_version_is_not_a_browser(no_browsers):
    _script(no_browsers, "chrome", "echo 'chrome-remote-helper 1.0'\n")
    with pytest.raises(BrowserNotFound, match=f"Set \\${BROWSER_ENV}"):
        find_browser()
