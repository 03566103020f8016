"""Search backends by name, imported only when chosen (pygeoapi's plugin registry).

A deployment that runs the embedded engine never imports a cluster client, and
one on Elasticsearch never loads tantivy. A name holding a dot or colon is taken
as the ``module:Class`` path of a backend shipped elsewhere.
"""

from __future__ import annotations

import importlib
from typing import Any

from indexer.base import SearchBackend
from indexer.errors import SearchError

BACKENDS: dict[str, str] = {
    "tantivy": "indexer.tantivy_:TantivyBackend",
    "elasticsearch": "indexer.elasticsearch_:ElasticsearchBackend",
    "opensearch": "indexer.elasticsearch_:OpenSearchBackend",
}


def load_backend(name: str, **options: Any) -> SearchBackend:
    """An instance of the backend called ``name``, built with ``options``."""
    target = BACKENDS.get(name) or (name if ":" in name else None)
    if target is None:
        known = ", ".join(sorted(BACKENDS))
        raise SearchError(f"unknown search engine {name!r}; use one of {known}")
    module_name, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except ImportError as exc:
        raise SearchError(
            f"search engine {name!r} needs a package that is not installed ({exc.name}); "
            f"install sharenet[{name}]"
        ) from exc
    except AttributeError as exc:
        raise SearchError(f"search engine {name!r}: {target} does not exist") from exc
    if not (isinstance(cls, type) and issubclass(cls, SearchBackend)):
        raise SearchError(f"search engine {name!r}: {target} is not a SearchBackend")
    backend: SearchBackend = cls(**options)
    return backend
