"""Inspect tasks, the scenario bank, context strategies and model providers."""
