"""The search index: one interface, an embedded engine by default, clusters at scale.

:class:`indexer.base.SearchBackend` is the interface (with its ``Query`` and
``Page`` types); :func:`indexer.registry.load_backend` builds one by name
(``tantivy``, ``elasticsearch``, ``opensearch``); :mod:`indexer.sync` keeps it
a view of the store (``sync_changes`` after harvests, ``rebuild`` from
scratch); :func:`indexer.document.to_document` is the backend-neutral document
of a record. Errors: :mod:`indexer.errors`.
"""
