"""Service records and client keys: what the API counts of its own use, anonymously.

:mod:`.recorder` holds the keys (in memory) and writes the counts;
:mod:`.log` binds it to a request for the routes (``ServiceDep``).
"""
