"""Estimators for `dermis sweep` results (imported by scripts/sweep_sensitivity.py and the tests).

Sobol indices from a Saltelli design (`design = saltelli`): for base sample j the points A_j,
B_j and AB_j^(i) (A_j with parameter i taken from B_j) are stored with design_block = j and
design_step = 0, 1, 2 + i. First-order indices use the estimator of Saltelli et al. (2010,
Comput. Phys. Commun. 181:259, table 2 (b)), total indices that of Jansen (1999; Saltelli 2010
table 2 (f)); confidence intervals are percentile bootstrap intervals over the base samples.

Morris elementary effects from trajectories (`design = morris`; design_block = trajectory,
design_step = 0 .. d): mu* = mean |EE| (Campolongo et al. 2007), mu and sigma (Morris 1991).
Only numpy."""
import numpy as np


def saltelli_blocks(block, step, y, d):
    """Arrays fA (N,), fB (N,), fAB (N, d) from per-point block, step and output y (replicates
    averaged). Base samples with any missing (NaN) output are dropped; returns (fA, fB, fAB, dropped)."""
    block = np.asarray(block)
    step = np.asarray(step)
    y = np.asarray(y, dtype=float)
    blocks = np.unique(block)
    table = np.full((len(blocks), d + 2), np.nan)
    index = {b: k for k, b in enumerate(blocks)}
    sums = np.zeros_like(table)
    counts = np.zeros_like(table)
    for b, s, v in zip(block, step, y):
        if np.isfinite(v):
            sums[index[b], s] += v
            counts[index[b], s] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        table = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    complete = np.all(np.isfinite(table), axis=1)
    table = table[complete]
    return table[:, 0], table[:, 1], table[:, 2:], int(np.sum(~complete))


def _sobol_point(fA, fB, fAB):
    var = np.var(np.concatenate([fA, fB]))
    if not var > 0:
        nan = np.full(fAB.shape[1], np.nan)
        return nan, nan
    first = np.mean(fB[:, None] * (fAB - fA[:, None]), axis=0) / var
    total = 0.5 * np.mean((fA[:, None] - fAB) ** 2, axis=0) / var
    return first, total


def sobol_indices(fA, fB, fAB, n_boot=1000, confidence=0.95, seed=1):
    """First-order S1 and total ST indices with bootstrap confidence intervals.
    Returns a dict of arrays (d,): S1, S1_lo, S1_hi, ST, ST_lo, ST_hi."""
    first, total = _sobol_point(fA, fB, fAB)
    rng = np.random.default_rng(seed)
    n = len(fA)
    boot_first = np.empty((n_boot, fAB.shape[1]))
    boot_total = np.empty_like(boot_first)
    for b in range(n_boot):
        k = rng.integers(0, n, n)
        boot_first[b], boot_total[b] = _sobol_point(fA[k], fB[k], fAB[k])
    tail = 100 * (1 - confidence) / 2
    lo1, hi1 = np.nanpercentile(boot_first, [tail, 100 - tail], axis=0)
    lot, hit = np.nanpercentile(boot_total, [tail, 100 - tail], axis=0)
    return {"S1": first, "S1_lo": lo1, "S1_hi": hi1, "ST": total, "ST_lo": lot, "ST_hi": hit}


def morris_effects(block, step, u, y):
    """Elementary effects per parameter from trajectories. u: (points, d) unit coordinates.
    Replicates of a design point are averaged first. Returns dict of (d,) arrays: mu_star, mu,
    sigma, n (effects used)."""
    block = np.asarray(block)
    step = np.asarray(step)
    u = np.asarray(u, dtype=float)
    y = np.asarray(y, dtype=float)
    d = u.shape[1]
    effects = [[] for _ in range(d)]
    for b in np.unique(block):
        rows = np.where(block == b)[0]
        steps = np.unique(step[rows])
        ys = np.array([np.nanmean(y[rows[step[rows] == s]]) if np.any(np.isfinite(y[rows[step[rows] == s]]))
                       else np.nan for s in steps])
        us = np.array([u[rows[step[rows] == s][0]] for s in steps])
        for k in range(1, len(steps)):
            delta = us[k] - us[k - 1]
            i = int(np.argmax(np.abs(delta)))
            if delta[i] != 0 and np.isfinite(ys[k]) and np.isfinite(ys[k - 1]):
                effects[i].append((ys[k] - ys[k - 1]) / delta[i])
    out = {"mu_star": np.full(d, np.nan), "mu": np.full(d, np.nan), "sigma": np.full(d, np.nan),
           "n": np.zeros(d, dtype=int)}
    for i, e in enumerate(effects):
        e = np.asarray(e)
        out["n"][i] = len(e)
        if len(e) > 0:
            out["mu_star"][i] = np.mean(np.abs(e))
            out["mu"][i] = np.mean(e)
            out["sigma"][i] = np.std(e, ddof=1) if len(e) > 1 else np.nan
    return out


def unit_coordinates(ds, keys):
    """Unit-cube coordinates of the points of a summary (xarray Dataset) from each varied key's
    values and its sweep_min / sweep_max / sweep_scale attributes."""
    cols = []
    for name in keys:
        v = ds[name]
        x = v.values.astype(float)
        lo, hi = float(v.attrs["sweep_min"]), float(v.attrs["sweep_max"])
        if v.attrs.get("sweep_scale") == "log":
            cols.append(np.log(x / lo) / np.log(hi / lo))
        else:
            cols.append((x - lo) / (hi - lo))
    return np.stack(cols, axis=1)
