"""Benchmark scripts, run from the repository root as ``python -m bench.NAME`` (bench/README.md).
A package so that the scripts and the tests share ``bench.watchkit``."""
