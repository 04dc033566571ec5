"""Synthetic partner extracts for demos and tests (see `generator.generate_drop`)."""
