"""`make bench`: the performance harness (see `bench/run.py` and README "Performance")."""
