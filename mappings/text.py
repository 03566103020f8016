"""Plain text from what sources put in text fields.

Some repositories send descriptions as HTML, some escape that HTML once more
(Zenodo's oai_dc: ``&lt;p&gt;``). The record holds plain text: search indexes
words, not markup, and every serializer escapes for its own format.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|ul|ol|pre|tr|table)>|<br\s*/?>", re.I)
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")
_SPACES = re.compile(r"[ \t\u00a0]+")


def plain_text(text: str) -> str:
    """``text`` without HTML tags or entities (escaped up to twice), whitespace tidied."""
    if "&" not in text and "<" not in text:
        return text.strip()
    for _ in range(2):
        if not re.search(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", text):
            break
        text = html.unescape(text)
    if _TAG.search(text):
        text = _BLOCK_END.sub("\n", text)
        text = _TAG.sub("", text)
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()
