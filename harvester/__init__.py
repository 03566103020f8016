"""Harvesting: protocol clients, the platform registry, the store, runs and schedules.

Where to start: :func:`harvester.runs.harvest` runs one source into the store
and returns a :class:`~harvester.runs.RunReport`; :mod:`harvester.protocols`
picks the adapter by protocol name; :mod:`harvester.http` makes the one polite
HTTP client they share; :mod:`harvester.store` is the catalogue store (the
source of truth). Around a run: :mod:`.registry` (the platforms and sources to
seed), :mod:`.scheduler` (sources on their schedules), :mod:`.check` (a dry run
of a source), :mod:`.compliance`, :mod:`.freshness` and :mod:`.linkcheck` (the
figures the centre evaluates platforms by). Errors: :mod:`harvester.errors`.
"""
