"""The web pages: public search and records, the operator's and the centre's dashboards.

Server-rendered (Jinja2 templates in ``search_api/templates``, CSS and a small
script in ``search_api/static``); every asset is served by the application
itself. Page handlers call the JSON API's functions rather than repeating them.
"""
