"""Staff routes (in progress)."""
