"""The sensitivity estimators of scripts/sweep_stats.py on the designs `dermis sweep` generates:
Sobol indices of the Ishigami function (Ishigami & Homma 1990; analytic indices e.g. in Saltelli
et al. 2008, Global Sensitivity Analysis, sec. 4.9) from a `design = saltelli` sweep, and Morris
elementary effects of a linear function (mu* = |coefficient|, sigma = 0, exactly) from a
`design = morris` sweep. The points come from `dermis sweep --dry-run` (unit coordinates)."""
import csv
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

DERMIS = os.environ.get("DERMIS", "dermis")
SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
import sweep_stats as ss  # noqa: E402

KEYS = ["species.fibroblasts.proliferation_per_day", "species.fibroblasts.death_per_day",
        "species.pdgf.decay_per_day", "species.vegf.decay_per_day"]


def plan(design, extra, keys):
    work = tempfile.mkdtemp(prefix="dermis_sobol_")
    spec = os.path.join(work, "s.ini")
    with open(spec, "w") as f:
        f.write(f"[sweep]\nbase = {os.path.join(SOURCE, 'configs', 'profile_1d.ini')}\ndesign = {design}\n{extra}")
        for k in keys:
            f.write(f"[vary.{k}]\nmin = 0.2\nmax = 0.9\n")
    out = subprocess.run([DERMIS, "sweep", spec, "-o", os.path.join(work, "out"), "--dry-run"],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.DictReader(line for line in out.splitlines() if not line.startswith("#")))
    u = np.array([[float(r["u:" + k]) for k in keys] for r in rows])
    block = np.array([int(r["block"]) for r in rows])
    step = np.array([int(r["step"]) for r in rows])
    return u, block, step


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_on_ishigami():
    u, block, step = plan("saltelli", "samples = 1024\n", KEYS[:3])
    check(len(u) == 1024 * 5, f"Saltelli: N (d + 2) = 5120 points expected, got {len(u)}")
    y = ishigami(-math.pi + 2 * math.pi * u)
    fA, fB, fAB, dropped = ss.saltelli_blocks(block, step, y, 3)
    check(dropped == 0 and len(fA) == 1024, "every base sample must be complete")
    r = ss.sobol_indices(fA, fB, fAB, n_boot=300)
    s1, st = ishigami_indices()
    print("S1", np.round(r["S1"], 4), "analytic", np.round(s1, 4))
    print("ST", np.round(r["ST"], 4), "analytic", np.round(st, 4))
    check(np.all(np.abs(r["S1"] - s1) < 0.03), f"first-order indices {r['S1']} vs analytic {s1}")
    check(np.all(np.abs(r["ST"] - st) < 0.03), f"total indices {r['ST']} vs analytic {st}")
    width = r["S1_hi"] - r["S1_lo"]
    check(np.all(width > 0) and np.all(width < 0.2), f"bootstrap intervals {width}")
    inside = np.sum((r["S1_lo"] - 0.01 <= s1) & (s1 <= r["S1_hi"] + 0.01)) + \
        np.sum((r["ST_lo"] - 0.01 <= st) & (st <= r["ST_hi"] + 0.01))
    check(inside == 6, f"the analytic indices must lie in the 95 % intervals: S1 {r['S1_lo']}..{r['S1_hi']}, "
          f"ST {r['ST_lo']}..{r['ST_hi']}")
    print("ok: Sobol indices of Ishigami")


def test_morris_on_linear():
    coef = np.array([3.0, -1.0, 0.5, 0.0])
    u, block, step = plan("morris", "samples = 12\nlevels = 4\nseed = 5\n", KEYS)
    check(len(u) == 12 * 5, f"Morris: r (d + 1) = 60 points expected, got {len(u)}")
    for b in np.unique(block):
        moves = np.diff(u[block == b], axis=0)
        check(np.all(np.sum(moves != 0, axis=1) == 1), "a trajectory moves one key per step")
        check(np.allclose(np.abs(moves[moves != 0]), 4 / (2 * 3)), "Morris step delta = p / (2 (p - 1))")
        check(sorted(np.nonzero(moves)[1].tolist()) == [0, 1, 2, 3], "each key moves once per trajectory")
    r = ss.morris_effects(block, step, u, u @ coef)
    check(np.allclose(r["mu_star"], np.abs(coef)) and np.allclose(r["mu"], coef), f"mu* {r['mu_star']}")
    check(np.allclose(r["sigma"], 0, atol=1e-12), f"a linear function has sigma = 0: {r['sigma']}")
    r = ss.morris_effects(block, step, u, u[:, 0] * u[:, 1])
    check(r["sigma"][0] > 0 and r["sigma"][1] > 0 and r["mu_star"][2] == 0, "an interaction gives sigma > 0")
    print("ok: Morris effects")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


if __name__ == "__main__":
    test_sobol_on_ishigami()
    test_morris_on_linear()
