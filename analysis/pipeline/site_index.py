"""The index of site reports (`sites/index.html`), in the book's own template and styles."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

from analysis.errors import BuildError
from analysis.pipeline.book import Book
from analysis.pipeline.render_fallback import ASSETS, READER, RENDERING_DIR, pandoc_path

INTRODUCTION = (
    "Each site's report applies statistical disclosure control across every report of the "
    "build: counts of 1 to 7 are shown as \\*, other counts are rounded to the nearest 5, and "
    "further counts are suppressed where a reader could otherwise work a small number out. "
    "The secure training centre is reported with the YOIs and has no report of its own."
)


def site_index_markdown(sites: list[str]) -> str:
    """The page's text: one line per site report, with its PDF."""
    if not sites:
        return (
            "# Site reports {.unnumbered}\n\nNo site reports have been built. "
            "Run `stairs-report build --all-sites` to build one report per site.\n"
        )
    items = "\n".join(
        f"- [Site {site}]({site}/index.html) ([PDF]({site}/report.pdf))" for site in sites
    )
    return f"# Site reports {{.unnumbered}}\n\n{INTRODUCTION}\n\n{items}\n"


def write_site_index(book_root: Path, book: Book) -> Path:
    """Write `sites/index.html` listing every site report present under `book_root/sites`."""
    folder = book_root / "sites"
    folder.mkdir(parents=True, exist_ok=True)
    sites = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name != "assets")
    metadata = {
        "title": book.title,
        "subtitle": "Site reports",
        "pagetitle": f"Site reports – {book.title}",
        "lang": book.config.get("lang", "en-GB"),
        "data-notice": book.config.get("data-notice", ""),
        "related": [{"href": "../index.html", "text": "National report"}],
        "home": "../index.html",
        "assets": "assets/",
    }
    target = folder / "index.html"
    with tempfile.TemporaryDirectory(prefix="site-index-", dir=book_root) as tmp:
        work = Path(tmp)
        (work / "sites.md").write_text(site_index_markdown(sites), encoding="utf-8")
        (work / "meta.yaml").write_text(
            yaml.safe_dump(metadata, allow_unicode=True, sort_keys=True), encoding="utf-8"
        )
        done = subprocess.run(
            [
                pandoc_path(),
                "sites.md",
                READER,
                "--to=html5",
                "--wrap=none",
                "--standalone",
                f"--template={RENDERING_DIR / 'book.html'}",
                "--metadata-file=meta.yaml",
                f"--output={target}",
            ],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise BuildError(f"render (site index) failed: {done.stderr.strip()[-2000:]}")
    (folder / "assets").mkdir(exist_ok=True)
    for name in ASSETS:
        shutil.copy2(RENDERING_DIR / name, folder / "assets" / name)
    return target
