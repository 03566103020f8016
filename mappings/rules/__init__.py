"""Compliance and quality rules (DESIGN.md section 8): rules as data, findings, scores.

``evaluate`` judges one record alone at mapping time (the rules of scope
``record`` in ``rules.toml``); rules that compare records or need outside
evidence (scope ``platform``: unique CSTR, duplicates, reachable landing page)
are refreshed over a whole platform by ``harvester.compliance``.
"""

from __future__ import annotations

from mappings.rules.catalogue import Dimension, Rule, RuleSet, Scope, default_rules, load_rules
from mappings.rules.engine import Evaluation, RuleContext, evaluate, judgement_key

__all__ = [
    "Dimension",
    "Evaluation",
    "Rule",
    "RuleContext",
    "RuleSet",
    "Scope",
    "default_rules",
    "evaluate",
    "judgement_key",
    "load_rules",
]
