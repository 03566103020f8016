"""Records out: the shapes others read ShareNet's catalogue in.

:mod:`.dcat_ap` (DCAT-AP RDF, for aggregators), :mod:`.oai` (``oai_dc`` and
``oai_datacite`` for the OAI-PMH provider), :mod:`.schema_org` (JSON-LD for
search engines) and :mod:`.citation` (how to cite a record). Each takes a
:class:`~mappings.record.Record` and never changes it.
"""
