"""The demo: a generated bilingual catalogue, local platforms serving it, and `sharenet demo`.

Nothing here is used in production; it exists so a fresh checkout can show the
whole chain (harvest, map, check, index, search) on realistic data without any
network, and so tests can compare search results with counts taken from the store.
"""
