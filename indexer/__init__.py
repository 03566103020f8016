"""The search index: one interface, an embedded engine by default, clusters at scale."""
