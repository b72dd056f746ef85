"""``make bench``: the performance suite (issue 8). ``python -m benchmarks --help``."""
