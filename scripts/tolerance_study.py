#!/usr/bin/env python3
"""Accuracy of the adaptive time stepping on a real scenario: runs a config at several
solver.rtol values and reports, for key observables, max |x - x_ref| / max |x_ref| against a
run at a tight reference tolerance, with the number of steps and the wall time of each run.

    scripts/tolerance_study.py [--dermis build/release/dermis] [--config configs/demo.ini]
                               [--rtol 1e-2,3e-3,1e-3] [--reference 1e-4]
"""
import argparse
import os
import subprocess
import tempfile
import time

import dermis_io as dio
import h5py
import numpy as np

OBSERVABLES = ["collagen_change_pct_dermis", "elastin_change_pct_dermis", "neutrophils_mean_dermis",
               "macrophages_mean_dermis", "myofibroblasts_mean_dermis", "inflammation_index",
               "stiffness_change_pct"]


def run(dermis, config, rtol, workdir):
    out = os.path.join(workdir, f"rtol_{rtol}.nc")
    start = time.monotonic()
    subprocess.run([dermis, "run", config, "-o", out, "--quiet", "--set", f"solver.rtol={rtol}"], check=True)
    return out, time.monotonic() - start


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dermis", default="build/release/dermis")
    p.add_argument("--config", default="configs/demo.ini")
    p.add_argument("--rtol", default="1e-2,3e-3,1e-3")
    p.add_argument("--reference", default="1e-4")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="dermis_tol_")
    ref_path, ref_wall = run(a.dermis, a.config, a.reference, work)
    reference = dio.flat_observables(ref_path)[1]
    with h5py.File(ref_path, "r") as ref:
        print(f"reference rtol {a.reference}: {int(ref.attrs['solver_steps_accepted'])} steps, {ref_wall:.1f} s")
    print(f"{'rtol':>8} {'steps':>6} {'wall s':>7}  max relative difference per observable")
    for rtol in a.rtol.split(","):
        path, wall = run(a.dermis, a.config, rtol, work)
        series = dio.flat_observables(path)[1]
        with h5py.File(path, "r") as f:
            diffs = [np.max(np.abs(series[k] - reference[k])) / np.max(np.abs(reference[k])) for k in OBSERVABLES]
            print(f"{rtol:>8} {int(f.attrs['solver_steps_accepted']):6d} {wall:7.1f}  max {max(diffs):.1e}  "
                  + " ".join(f"{k.split('_')[0]}={d:.1e}" for k, d in zip(OBSERVABLES, diffs)))


if __name__ == "__main__":
    main()
