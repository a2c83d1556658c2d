#!/usr/bin/env python3
"""Independent ESZSL reference on small xlsa17-shaped datasets (numpy only).

Builds, from the integer hash below, the same five datasets that
tests/unit/helpers/xlsa17-shaped.ts writes as res101.mat + att_splits.mat
(SUN, CUB, AWA1, AWA2 and APY shapes: their classes, attributes and proposed
split, fewer images and 64-d features), fits the standard ESZSL formula
    V = (X'X + g I)^-1 X'Y S' (S S' + l I)^-1,  g = 1e3, l = 1,
on all of trainval with `att` as shipped and one-hot (0/1) Y, and prints per-class
ZSL top-1 and GZSL u, s, H (no calibration), in percent, with checksums of the
generated data, as JSON:
    python3 scripts/reference/eszsl_xlsa17.py > tests/unit/protocol/eszsl-reference.json
"""
import json
import numpy as np

DIM = 64
# name: (classes, attributes, seen, unseen, trainval per seen class, test-seen per seen class, images per unseen class)
SHAPES = {
    "SUN": (717, 102, 645, 72, 6, 2, 6),
    "CUB": (200, 312, 150, 50, 8, 3, 8),
    "AWA1": (50, 85, 40, 10, 24, 6, 24),
    "AWA2": (50, 85, 40, 10, 30, 8, 30),
    "APY": (32, 64, 20, 12, 30, 8, 30),
}
M32 = 0xFFFFFFFF


def uniform(stream, index):
    """A 32-bit integer hash of (stream, index) scaled to [0, 1); index is an int array."""
    x = (np.asarray(index, dtype=np.uint64) * np.uint64(0x9E3779B9) + np.uint64(stream * 0x632BE5AB)) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x85EBCA6B)) & np.uint64(M32)
    x ^= x >> np.uint64(13)
    x = (x * np.uint64(0xC2B2AE35)) & np.uint64(M32)
    x ^= x >> np.uint64(16)
    return x.astype(np.float64) / 4294967296.0


def unseen_classes(classes, unseen):
    return [((2 * j + 1) * classes) // (2 * unseen) for j in range(unseen)]


def make(shape_index, shape):
    c, a, seen_n, unseen_n, tv, ts, tu = shape
    base = 1000 * (shape_index + 1)
    u = uniform(base + 1, np.arange(c * a)).reshape(c, a)
    original = 100.0 * u * u  # classes x attributes, AwA's 0..100 scale
    att = original / np.linalg.norm(original, axis=1, keepdims=True)
    w = (uniform(base + 2, np.arange(a * DIM)).reshape(a, DIM) - 0.5) * 4.0
    unseen = set(unseen_classes(c, unseen_n))
    labels, role = [], []
    for k in range(c):
        if k in unseen:
            labels += [k] * tu
            role += ["u"] * tu
        else:
            labels += [k] * (tv + ts)
            role += ["t"] * tv + ["s"] * ts
    labels = np.array(labels)
    n = len(labels)
    noise = uniform(base + 3, np.arange(n * DIM)).reshape(n, DIM) - 0.5
    proto = att @ w  # classes x DIM
    features = np.maximum(0.0, proto[labels] + 4.0 * noise)
    role = np.array(role)
    return {
        "original": original, "att": att, "features": features, "labels": labels,
        "trainval": np.where(role == "t")[0], "test_seen": np.where(role == "s")[0],
        "test_unseen": np.where(role == "u")[0], "unseen": sorted(unseen),
        "seen": [k for k in range(c) if k not in unseen],
    }


def per_class(pred, truth):
    return float(np.mean([np.mean(pred[truth == k] == k) for k in np.unique(truth)]))


def eszsl(d, gamma=1e3, lam=1.0):
    x = d["features"][d["trainval"]]
    seen = np.array(d["seen"])
    local = {k: i for i, k in enumerate(seen)}
    y = np.zeros((len(x), len(seen)))
    y[np.arange(len(x)), [local[k] for k in d["labels"][d["trainval"]]]] = 1.0
    s = d["att"][seen].T  # attributes x seen
    v = np.linalg.solve(x.T @ x + gamma * np.eye(x.shape[1]), x.T @ y @ s.T) @ np.linalg.inv(s @ s.T + lam * np.eye(s.shape[0]))
    unseen = np.array(d["unseen"])
    xu, yu = d["features"][d["test_unseen"]], d["labels"][d["test_unseen"]]
    xs, ys = d["features"][d["test_seen"]], d["labels"][d["test_seen"]]
    zsl = per_class(unseen[np.argmax(xu @ v @ d["att"][unseen].T, axis=1)], yu)
    all_att = d["att"].T
    u = per_class(np.argmax(xu @ v @ all_att, axis=1), yu)
    s_acc = per_class(np.argmax(xs @ v @ all_att, axis=1), ys)
    h = 2 * u * s_acc / (u + s_acc) if u + s_acc > 0 else 0.0
    return {"zsl_top1": 100 * zsl, "u": 100 * u, "s": 100 * s_acc, "h": 100 * h}


def main():
    out = {}
    for i, (name, shape) in enumerate(SHAPES.items()):
        d = make(i, shape)
        out[name] = {
            **eszsl(d),
            "images": int(len(d["labels"])),
            "checksum_features": float(d["features"].sum()),
            "checksum_original": float(d["original"].sum()),
        }
    print(json.dumps({"command": "python3 scripts/reference/eszsl_xlsa17.py", "gamma": 1e3, "lambda": 1.0, "dim": DIM, "datasets": out}, indent=2))


if __name__ == "__main__":
    main()
