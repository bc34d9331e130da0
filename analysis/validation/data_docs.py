"""Data Docs: the validation results as HTML pages readable offline.

Pages are rendered by great_expectations' own renderer (``ValidationResultsPageRenderer``
with ``DefaultJinjaPageView``). GX's page templates
load Bootstrap, jQuery, Font Awesome, Vega and the GX logo from CDNs, and GX 1.24.1 puts
unexpected values into the page without escaping them. So, before rendering, every
string taken from the data is made inert (and identifiers masked); after rendering,
every reference to the network is removed, GX's own local stylesheet is kept, a small
offline stylesheet is added, and a Content-Security-Policy forbids scripts and any
remote fetch. The pages then read as plain, static HTML.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.validation.display import inert_text
from analysis.validation.memo import GateMemo, json_exact

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'"
)
OFFLINE_CSS = """
body { font-family: system-ui, sans-serif; margin: 1rem 2rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; text-align: left; }
.collapse { display: block !important; }
.d-none, .modal, .ge-walkthrough-modal, button[data-toggle], .navbar img {
  display: none !important;
}
.text-danger { color: #b00020; } .text-success { color: #1b5e20; }
ul { padding-left: 1.2rem; }
.fa-check-circle::before { content: "passed"; color: #1b5e20; font-style: normal; }
.fa-times::before { content: "FAILED"; color: #b00020; font-style: normal; }
.offline-note { font-size: 0.85rem; color: #555; border-bottom: 1px solid #ccc; }
"""
OFFLINE_NOTE = (
    '<p class="offline-note">Rendered by great_expectations; made static for offline reading '
    "(remote stylesheets and scripts removed). Values from the data are shown inert; "
    'identifiers are masked. <a href="{index}">All suites</a></p>'
)

REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>", re.IGNORECASE)
REMOTE_SCRIPT = re.compile(
    r"<script\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE
)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
REMOTE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>", re.IGNORECASE)
REMOTE_ANCHOR = re.compile(
    r"<a\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL
)
REMOTE_CSS_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", re.IGNORECASE)
FAVICON = re.compile(r"<link\b[^>]*rel=\"shortcut icon\"[^>]*>", re.IGNORECASE)
HOME_LINK = re.compile(r"href=\"(?:\.\./)+index\.html\"")
SUITE_LINK = re.compile(r"href=\"(?:\.\./)+expectations/([^\"]+)\"")


@dataclass(frozen=True)
class ValidationPage:
    """One validation result to render: its file name, title and GX result dict."""

    name: str
    dataset: str
    file: str
    result: Mapping[str, Any]


def _inert_untruncated(value: Any) -> str:
    return inert_text(value, max_chars=100_000)


def make_inert(value: Any, show: Callable[[Any], str] = _inert_untruncated) -> Any:
    """A copy of a JSON value with every string (and scalar) passed through ``show``."""
    if isinstance(value, Mapping):
        return {key: make_inert(item, show) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [make_inert(item, show) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return show(value)


def _column_of(entry: Mapping[str, Any]) -> str | None:
    config = entry.get("expectation_config", entry)
    return config.get("kwargs", {}).get("column")


def safe_result(
    result: Mapping[str, Any],
    masked_columns: Iterable[str] = (),
    mask: Callable[[Any], str] = inert_text,
) -> dict:
    """A validation result whose values are inert, and masked for ``masked_columns``."""
    masked = set(masked_columns)
    safe = dict(result)
    entries = []
    for entry in result.get("results", []):
        show = mask if _column_of(entry) in masked else inert_text
        entries.append(
            {
                **entry,
                "expectation_config": make_inert(entry["expectation_config"]),
                "result": make_inert(entry.get("result", {}), show),
                "exception_info": make_inert(entry.get("exception_info", {})),
            }
        )
    safe["results"] = entries
    return safe


def make_offline(page: str, index_href: str) -> str:
    """Remove every network reference and all scripts from a GX page; add a CSP and CSS."""
    page = REMOTE_LINK.sub("", page)
    page = REMOTE_SCRIPT.sub("", page)
    page = INLINE_SCRIPT.sub("", page)
    page = REMOTE_IMAGE.sub("", page)
    page = REMOTE_ANCHOR.sub(r"\1", page)
    page = REMOTE_CSS_URL.sub("none", page)
    page = FAVICON.sub("", page)
    page = HOME_LINK.sub(f'href="{index_href}"', page)
    page = SUITE_LINK.sub(f'href="{index_href}"', page)
    head = (
        f'<head>\n<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        f"\n<style>{OFFLINE_CSS}</style>"
    )
    page = page.replace("<head>", head, 1)
    return re.sub(r"<body>", "<body>\n" + OFFLINE_NOTE.format(index=index_href), page, count=1)


@functools.cache
def _page_view():
    """One GX page view for all pages, so its Jinja templates are compiled once."""
    from great_expectations.render.view import DefaultJinjaPageView

    return DefaultJinjaPageView()


def _render_validation(result: Mapping[str, Any]) -> str:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.render.renderer import ValidationResultsPageRenderer

    validation = ExpectationSuiteValidationResultSchema().load(dict(result))
    document = ValidationResultsPageRenderer(run_info_at_end=True).render(validation)
    return _page_view().render(document)


def _index_page(pages: list[ValidationPage]) -> str:
    rows = []
    for page in pages:
        statistics = page.result.get("statistics", {})
        verdict = "passed" if page.result.get("success") else "failed"
        name = html.escape(page.name)
        rows.append(
            "<tr>"
            f'<td><a href="validations/{name}.html">{name}</a></td>'
            f"<td>{html.escape(page.dataset)}</td><td>{html.escape(page.file)}</td>"
            f'<td class="text-{"success" if verdict == "passed" else "danger"}">{verdict}</td>'
            f"<td>{statistics.get('evaluated_expectations', 0)}</td>"
            f"<td>{statistics.get('unsuccessful_expectations', 0)}</td>"
            "</tr>"
        )
    return (
        "<!DOCTYPE html>\n<html><head>"
        f'<meta charset="UTF-8"><meta http-equiv="Content-Security-Policy" '
        f'content="{CONTENT_SECURITY_POLICY}"><title>Data Docs: data-quality gate</title>'
        f"<style>{OFFLINE_CSS}</style></head><body>"
        "<h1>Data Docs: data-quality gate</h1>"
        "<p>One page per validated file or table, rendered by great_expectations.</p>"
        "<table><thead><tr><th>suite</th><th>dataset</th><th>file</th><th>result</th>"
        "<th>expectations</th><th>failed</th></tr></thead><tbody>"
        + "\n".join(rows)
        + "</tbody></table></body></html>\n"
    )


def write_data_docs(
    pages: list[ValidationPage], directory: Path, memo: GateMemo | None = None
) -> Path:
    """Write the Data Docs site (an index and one page per validation); return the index.

    Each page lists every expectation of its suite with its notes and outcome; the suite
    definitions themselves are the committed ``expectations/*.json``. With ``memo``, a page
    whose validation result is unchanged is taken from it (no great_expectations import).
    """
    memo = memo if memo is not None else GateMemo(None)
    (directory / "validations").mkdir(parents=True, exist_ok=True)
    for page in pages:
        validation = memo.check(
            f"data docs {page.name}",
            _result_digest(page.result),
            lambda page=page: make_offline(_render_validation(page.result), "../index.html"),
        )
        (directory / "validations" / f"{page.name}.html").write_text(validation, encoding="utf-8")
    index = directory / "index.html"
    index.write_text(_index_page(pages), encoding="utf-8")
    return index


def _result_digest(result: Mapping[str, Any]) -> dict[str, str] | None:
    """Memo inputs of a page: its result's hash (None if JSON cannot keep the result)."""
    if not json_exact(result):
        return None
    text = json.dumps(result, sort_keys=True, ensure_ascii=False)
    return {"result": hashlib.sha256(text.encode()).hexdigest()}
