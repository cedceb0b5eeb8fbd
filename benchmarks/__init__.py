"""Ratio benchmarks: the app against bare baselines doing the same work (`make bench`)."""
