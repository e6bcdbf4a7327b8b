"""Benchmarks (see docs/benchmarks.md); run as scripts: .venv/bin/python bench/<name>.py."""
