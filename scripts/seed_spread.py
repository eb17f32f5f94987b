#!/usr/bin/env python3
"""Placement noise of a scenario: runs it with several run.seed values and prints, for each chosen
observable, its final value per seed, the mean, the standard deviation and the coefficient of
variation (docs/model.md, "Placement noise").

    scripts/seed_spread.py configs/default.ini --seeds 1-8 [--set key=value ...]"""
import argparse
import os
import subprocess
import tempfile

import h5py
import numpy as np


def seeds_of(text):
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


def final_value(f, name):
    """Last value of an observable given by its flat name: a scalar series of the observables group
    (downtime_days) or one region of a per-region one (collagen_change_pct_dermis = region
    'dermis' of collagen_change_pct; docs/output.md)."""
    g = f["observables"]
    if name in g and name not in ("time", "region"):
        return float(g[name][-1])
    regions = [r.decode() if isinstance(r, bytes) else str(r) for r in g["region"][:]]
    for i, region in enumerate(regions):
        stem = name[:-len(region) - 1]
        if name.endswith("_" + region) and stem in g and g[stem].ndim == 2:
            return float(g[stem][-1, i])
    raise SystemExit(f"dermis: {name}: no such observable in the output")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config")
    p.add_argument("--seeds", default="1-8", help="inclusive range, e.g. 1-8")
    p.add_argument("--dermis", default="build/release/dermis")
    p.add_argument("--vars", default="collagen_change_pct_dermis,elastin_change_pct_dermis,downtime_days,channel_fill_pct")
    p.add_argument("--set", action="append", default=[], help="extra key=value overrides")
    p.add_argument("--threads", default="1")
    a = p.parse_args(argv)
    names = a.vars.split(",")
    work = tempfile.mkdtemp(prefix="dermis_seeds_")
    finals = {n: [] for n in names}
    for seed in seeds_of(a.seeds):
        out = os.path.join(work, f"seed{seed}.nc")
        cmd = [a.dermis, "run", a.config, "-o", out, "--quiet", "--threads", a.threads, "--set", f"run.seed={seed}"]
        for s in a.set:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        with h5py.File(out, "r") as f:
            for n in names:
                finals[n].append(final_value(f, n))
        print(f"seed {seed}: " + ", ".join(f"{n} {finals[n][-1]:.3f}" for n in names), flush=True)
    for n in names:
        v = np.array(finals[n])
        cv = v.std(ddof=1) / abs(v.mean()) if v.mean() != 0 else float("nan")
        print(f"{n}: mean {v.mean():.3f}, sd {v.std(ddof=1):.3f}, CV {100 * cv:.1f} % over {len(v)} seeds")


if __name__ == "__main__":
    main()
