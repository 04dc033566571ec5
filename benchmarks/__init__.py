"""Benchmarks of a full refresh at county scale and ten times county scale (``python -m benchmarks.run``)."""
