"""sklearn_rbm.py - scikit-learn's BernoulliRBM for `make bench-peers` (peers.mjs runs it).

BernoulliRBM trains by persistent contrastive divergence with one Gibbs step and batch_size
persistent chains (Tieleman 2008), on NumPy (one BLAS thread: peers.mjs sets OPENBLAS/OMP_NUM_THREADS=1).
Prints one JSON line per shape: {"visible", "hidden", "batch", "samples_per_s", "runs", "sklearn"}.
Usage: /usr/bin/python3 tests/bench-peers/sklearn_rbm.py V H B [V H B ...]
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM


def measure(V, H, B, seconds=1.0, runs=5):
    rng = np.random.default_rng(1)
    data = (rng.random((B * 64, V)) < 0.3).astype(np.float64)
    rbm = BernoulliRBM(n_components=H, learning_rate=0.1, batch_size=B, random_state=1)
    rbm.partial_fit(data[:B])  # builds the chains and weights
    batches = [data[i:i + B] for i in range(0, len(data), B)]
    t0 = time.perf_counter()
    k = 0
    while time.perf_counter() - t0 < 1.0:  # warm-up
        rbm.partial_fit(batches[k % len(batches)])
        k += 1
    rates = []
    for _ in range(runs):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            rbm.partial_fit(batches[n % len(batches)])
            n += 1
        rates.append(n * B / (time.perf_counter() - t0))
    rates.sort()
    return {"visible": V, "hidden": H, "batch": B, "samples_per_s": rates[len(rates) // 2], "runs": runs,
            "sklearn": sklearn.__version__}


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    for i in range(0, len(args), 3):
        print(json.dumps(measure(*args[i:i + 3])), flush=True)
