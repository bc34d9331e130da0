"""Find a Chromium-family browser for the browser tests.

In order: the path in $STAIRS_REPORT_BROWSER, Debian's `/usr/bin/chromium`, then Google
Chrome or Chromium on PATH. A candidate counts only if `--version` runs and names a
Chromium-family browser, so stubs (Ubuntu's `chromium-browser` that only asks for the snap)
are passed over.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

BROWSER_ENV = "STAIRS_REPORT_BROWSER"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
ON_PATH = ("google-chrome", "google-chrome-stable", "chromium", "chromium-browser", "chrome")
VERSION = re.compile(r"\b(Chromium|Google Chrome|Chrome)\b[^\n]*?\d+\.\d+")


class BrowserNotFound(Exception):
    """No working Chromium-family browser; the message says what was tried."""


def browser_version(path: Path) -> str | None:
    """What `PATH --version` prints, if it runs and names a Chromium-family browser."""
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = VERSION.search(done.stdout)
    return match.group(0).strip() if done.returncode == 0 and match else None


def candidates() -> list[tuple[str, Path]]:
    """Where to look, in order, with where each candidate came from."""
    found: list[tuple[str, Path]] = []
    configured = os.environ.get(BROWSER_ENV, "").strip()
    if configured:
        found.append((f"${BROWSER_ENV}", Path(configured)))
    found.append(("Debian's chromium", DEBIAN_CHROMIUM))
    for name in ON_PATH:
        located = shutil.which(name)
        if located:
            found.append((f"{name} on PATH", Path(located)))
    return found


def find_browser() -> tuple[Path, str]:
    """The first working browser and its version; BrowserNotFound lists what was tried.

    A browser named in $STAIRS_REPORT_BROWSER must work: a wrong setting is an error,
    not a reason to pick another browser silently.
    """
    tried = []
    for origin, path in candidates():
        version = browser_version(path) if path.exists() else None
        if version:
            return path, version
        tried.append(f"{origin} ({path}): {'not found' if not path.exists() else 'did not run'}")
        if origin.startswith("$"):
            break
    raise BrowserNotFound(
        "no Chromium-family browser found; tried "
        + "; ".join(tried)
        + f". Set ${BROWSER_ENV} to a Chrome or Chromium binary, or install one "
        "(apt-get install chromium on Debian)."
    )
