"""Ground truth: what the engine decided, as Python state, manifest.json and tables."""
