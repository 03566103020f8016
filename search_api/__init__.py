"""The web face of ShareNet: public search, machine exports, operator and centre APIs, pages.

:func:`search_api.app.create_app` builds the FastAPI application from an
:class:`search_api.config.ApiConfig` (the store, the engine, and hooks the
deployment supplies); nothing runs at import. Endpoint families live in
:mod:`search_api.routes` and the web pages in :mod:`search_api.pages`; who may
do what is :mod:`search_api.auth`. Errors: :mod:`search_api.errors`, whose
handlers give every error, ours or the framework's, one JSON shape.
"""
