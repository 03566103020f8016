"""Language tags for language-tagged text: one rule for every mapping.

Sources tag text inconsistently (``en-US``, ``eng``, ``zh-Hans``, ``chi``, or
nothing). The unified record keys text by the primary BCP 47 subtag so that the
Chinese and the English title can always be found under ``zh`` and ``en``.
Untagged text is guessed from its script: Han characters mean Chinese (the
platforms this portal harvests write either Chinese or English).
"""

from __future__ import annotations

import re

from mappings.record import LangList, LangText
from mappings.text import plain_text

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_ISO639_2 = {
    "chi": "zh",
    "zho": "zh",
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "ger": "de",
    "deu": "de",
    "spa": "es",
    "rus": "ru",
    "jpn": "ja",
    "kor": "ko",
    "ita": "it",
    "por": "pt",
    "dut": "nl",
    "nld": "nl",
}
_EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"


def guess_lang(text: str) -> str:
    """``zh`` when the text has Han characters, else ``en``."""
    return "zh" if _HAN.search(text) else "en"


def normalise_lang(tag: str | None) -> str | None:
    """Primary subtag, lower-cased; ISO 639-2 and EU language URIs become 2 letters."""
    if not tag:
        return None
    text = tag.strip()
    if text.startswith(_EU_LANGUAGE):
        text = text[len(_EU_LANGUAGE) :]
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    if not primary or primary in {"und", "mul", "zxx"}:
        return None
    return _ISO639_2.get(primary, primary)


def lang_of(text: str, tag: str | None = None) -> str:
    """The language to file ``text`` under: its tag if it has one, else a guess."""
    return normalise_lang(tag) or guess_lang(text)


def put_text(
    target: LangText, text: str | None, tag: str | None = None, *, append: bool = True
) -> None:
    """Add ``text`` in its language; a second text in the same language is appended.

    Appending rather than overwriting is what keeps every description a source
    gives (abstract, methods …) in the record. Titles pass ``append=False``: the
    first title in a language is the title, later ones are alternatives.
    """
    clean = plain_text(text or "")
    if not clean:
        return
    lang = lang_of(clean, tag)
    existing = target.get(lang)
    if not existing:
        target[lang] = clean
    elif append and clean not in existing:
        target[lang] = f"{existing}\n\n{clean}"


def put_term(target: LangList, term: str | None, tag: str | None = None) -> None:
    """Add a keyword in its language once."""
    clean = (term or "").strip()
    if not clean:
        return
    terms = target.setdefault(lang_of(clean, tag), [])
    if clean not in terms:
        terms.append(clean)
