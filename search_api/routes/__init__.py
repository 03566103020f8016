"""The API's endpoint families, one module each; every module exposes ``router``.

To add endpoints, write ``search_api/routes/<topic>.py`` with an ``APIRouter``
named ``router`` and add its dotted name here; ``create_app`` includes them in
this order (order matters only where paths overlap).
"""

ROUTERS: list[str] = [
    "search_api.routes.search",
    "search_api.routes.records",
    "search_api.routes.sources",
    "search_api.routes.metrics",
    "search_api.routes.compliance",
    "search_api.routes.exports",
    "search_api.routes.freshness",
    "search_api.routes.service",
    "search_api.routes.ratings",
    "search_api.routes.complaints",
    "search_api.pages.public",
    "search_api.pages.operator",
    "search_api.pages.centre",
]
