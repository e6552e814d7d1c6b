"""Load benchmarks of the Partners API against a bare ASGI baseline.

Run ``python -m bench --help`` from the repository root, or ``bench/run``. The suite
seeds its databases, starts the API server and the baseline on loopback, drives both
with wrk and prints one table; docs/benchmarks.md explains the figures.
"""
