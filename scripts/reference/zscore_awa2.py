#!/usr/bin/env python3
"""The seed notebook's class semantics for the real AwA2 continuous matrix, by numpy:
each attribute (column) z-scored over the 50 classes with the sample standard deviation
(ddof=1, pandas' and torch's default), the four -1 (missing) strengths left in.
Writes the first ten classes' rows (rounded to 6 decimals) and every column's mean
and standard deviation for tests/unit/protocol/seed-defaults.test.ts:
    python3 scripts/reference/zscore_awa2.py > tests/unit/protocol/zscore-awa2-reference.json
"""
import json
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
m = np.loadtxt(os.path.join(here, "..", "..", "..", "shared", "awa2", "predicate-matrix-continuous.txt"))
z = (m - m.mean(axis=0)) / m.std(axis=0, ddof=1)
print(json.dumps({
    "command": "python3 scripts/reference/zscore_awa2.py",
    "rows": [[round(float(v), 6) for v in row] for row in z[:10]],
    "column_mean": [round(float(v), 6) for v in m.mean(axis=0)],
    "column_std": [round(float(v), 6) for v in m.std(axis=0, ddof=1)],
}))
