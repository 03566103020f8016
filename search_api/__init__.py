"""The web face of ShareNet: public search, machine exports, operator and centre APIs, pages."""
