#!/usr/bin/env python3
"""Writes the tiny .npy files tests/unit/io/npy.test.ts reads, with numpy.save itself,
so the reader is checked against NumPy's own writer (not ours):
    python3 scripts/reference/write_npy_fixtures.py
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "unit", "io", "npy")
os.makedirs(out, exist_ok=True)
m = np.array([[0.5, -1.25, 3.0], [1e-3, 2.5, -7.75]])
np.save(os.path.join(out, "f8-c.npy"), m)  # float64, C order
np.save(os.path.join(out, "f4-c.npy"), m.astype("<f4"))  # float32, C order
np.save(os.path.join(out, "f4-fortran.npy"), np.asfortranarray(m.astype("<f4")))  # float32, Fortran order
np.save(os.path.join(out, "f8-big-endian.npy"), m.astype(">f8"))  # float64, big-endian
np.save(os.path.join(out, "i8.npy"), np.arange(6).reshape(2, 3))  # int64: refused
np.save(os.path.join(out, "f4-3d.npy"), np.zeros((2, 2, 2), dtype="<f4"))  # 3-D: refused
with open(os.path.join(out, "f4-v2.npy"), "wb") as f:  # format version 2.0 (4-byte header length)
    np.lib.format.write_array(f, m.astype("<f4"), version=(2, 0))
