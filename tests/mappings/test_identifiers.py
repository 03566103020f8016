"""CSTR and DOI parsing: the raising and the asking faces give the same answers."""

from __future__ import annotations

import pytest

from mappings.errors import IdentifierError
from mappings.identifiers import Cstr, find_cstr, find_doi, normalise_doi, parse_cstr

CSTRS = {
    "CSTR:31253.11.sciencedb.01874": Cstr("31253", "11", "sciencedb.01874"),
    " cstr:31253.11.x ": Cstr("31253", "11", "x"),
    "31253.11.x": Cstr("31253", "11", "x"),
    "https://cstr.cn/CSTR:31253.11.x": Cstr("31253", "11", "x"),
    "www.cstr.cn/31253.11.x": Cstr("31253", "11", "x"),
    "cstr: 1a2b3.02.Suffix.With.Dots": Cstr("1A2B3", "02", "Suffix.With.Dots"),
}

MALFORMED = {
    "": "CSTR is empty",
    "   ": "CSTR is empty",
    "31253.11": "CSTR '31253.11' must have an agency code, a resource type and a suffix "
    "separated by dots (e.g. CSTR:31253.11.sciencedb.01874)",
    "31253.11.": "CSTR '31253.11.' must have an agency code, a resource type and a suffix "
    "separated by dots (e.g. CSTR:31253.11.sciencedb.01874)",
    "3125.11.x": "CSTR '3125.11.x': agency code '3125' must be 5 digits or letters",
    "31253.1.x": "CSTR '31253.1.x': resource type '1' must be 2 digits",
    "31253.11.土壤": "CSTR '31253.11.土壤': suffix '土壤' may hold only visible ASCII characters",
    "10.12345/abc": "CSTR '10.12345/abc' must have an agency code, a resource type and a "
    "suffix separated by dots (e.g. CSTR:31253.11.sciencedb.01874)",
}


@pytest.mark.parametrize("value", sorted(CSTRS))
def test_every_accepted_cstr_spelling_parses_alike(value: str) -> None:
    assert parse_cstr(value) == CSTRS[value]
    assert find_cstr(value) == CSTRS[value]


@pytest.mark.parametrize("value", sorted(MALFORMED))
def test_a_malformed_cstr_says_why_or_is_none(value: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_cstr(value)
    assert str(caught.value) == MALFORMED[value]
    assert find_cstr(value) is None


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("10.12345/ABC", "10.12345/abc"),
        (" https://doi.org/10.12345/x ", "10.12345/x"),
        ("https://dx.doi.org/10.1234/y", "10.1234/y"),
        ("doi:10.123456789/z", "10.123456789/z"),
        ("10.123/short-prefix", None),
        ("CSTR:31253.11.x", None),
        ("10.12345/with space", None),
    ],
)
def test_doi_normalised_or_refused_alike(value: str, doi: str | None) -> None:
    assert find_doi(value) == doi
    if doi is None:
        with pytest.raises(IdentifierError, match="is not a DOI"):
            normalise_doi(value)
    else:
        assert normalise_doi(value) == doi
