"""Benchmarks of sync: run each with ``python -m bench.<name>``; see docs/performance.md."""
