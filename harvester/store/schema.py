"""Every table of the store, gathered so migrations and ``create_all`` see them all.

Feature areas keep their tables in modules of their own beside ``models.py``;
importing them here is what registers them on the shared metadata.
"""

from __future__ import annotations

from harvester.store import (
    adapter_models,
    auth_models,
    compliance_models,
    freshness_models,
    linkcheck_models,
    models,
    run_models,
    service_models,
)

metadata = models.Base.metadata

__all__ = [
    "adapter_models",
    "auth_models",
    "compliance_models",
    "freshness_models",
    "linkcheck_models",
    "metadata",
    "run_models",
    "service_models",
]
