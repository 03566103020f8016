"""Harvesting: protocol clients, the platform registry, the store, runs and schedules."""
