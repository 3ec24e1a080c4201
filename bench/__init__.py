"""``make bench``: the measured cost of every layer against its bare baseline, and the load the mock takes.

Run ``python -m bench`` (``--quick`` for fewer runs, ``--only 1a,4b`` for some rows). Every row measures ours
and a baseline interleaved in one run and reports medians, quartiles, run counts and the median per-pair
ratio; the table is printed and written to ``reports/bench.json``. See ``bench/README.md`` for what each row
includes and how to read it.
"""
