"""How values from the data are shown in messages: inert, short and, for identifiers, masked.

Data may hold anything, including markup (``<script>``) or spreadsheet formulas
(``=HYPERLINK(...)``). Such text is accepted as data, but every example the gate
prints goes through :func:`inert_text` first, so that it cannot run in a browser,
a terminal or a spreadsheet.
"""

from __future__ import annotations

import html
import re
import unicodedata

FORMULA_LEADING_CHARACTERS = ("=", "+", "-", "@")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
MAX_EXAMPLE_CHARS = 60
MASK_CHARACTER = "*"


def _escape_control_characters(text: str) -> str:
    """Replace control and format characters (newlines, ESC, bidi overrides) by escapes."""
    out = []
    for character in text:
        if unicodedata.category(character) in ("Cc", "Cf"):
            out.append(character.encode("unicode_escape").decode("ascii"))
        else:
            out.append(character)
    return "".join(out)


def inert_text(value: object, max_chars: int = MAX_EXAMPLE_CHARS) -> str:
    """Show a data value so that it cannot act as markup, a terminal escape or a formula.

    Control characters become escapes (``\\n``, ``\\x1b``), ``<``, ``>`` and ``&`` become
    HTML entities, and text starting with ``=``, ``+``, ``-`` or ``@`` (other than a plain
    number such as ``-3``) gets a leading ``'``. Long text is cut to ``max_chars``.
    """
    text = "" if value is None else str(value)
    text = _escape_control_characters(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    text = html.escape(text, quote=False)
    stripped = text.lstrip()
    if stripped.startswith(FORMULA_LEADING_CHARACTERS) and not PLAIN_NUMBER.fullmatch(stripped):
        text = "'" + text
    return text


def mask_identifier(value: object, keep: int = 4) -> str:
    """Mask an identifier: keep its first ``keep`` letters/digits, star the rest.

    Punctuation and spaces stay, so the shape remains recognisable:
    ``mask_identifier("9434765919") == "9434******"``.
    """
    text = "" if value is None else str(value)
    out = []
    kept = 0
    for character in text:
        if character.isalnum():
            out.append(character if kept < keep else MASK_CHARACTER)
            kept += 1
        else:
            out.append(character)
    return inert_text("".join(out))
