#!/usr/bin/python3
"""Benchmark T1, time to solution, and the two-concurrent-runs check (bench/README.md).

    bench/t1.py --dermis build/bench/dermis [--cases demo,default,default_dx2,patch3d] [--pair]
                [--threads N] [--set section.key=value ...]

T1: runs each case with `dermis run` (default thread count unless --threads) and prints one
JSON line per case: wall time, steps, the solver's reaction / diffusion / chemotaxis wall times
and the rest (output, observables, set-up), the threads the run used and the load average
before and after. Every figure comes from the output file's attributes except `wall_s`,
which is measured around the process.

--pair: two concurrent default runs at the default thread count against the same two runs
back to back at --threads 1; prints the wall times and their ratio (target <= 1.3).
--pair-threads N: the concurrent runs at N threads each instead (N = 2 on 2 cores: four
threads on two cores, where OpenMP barriers wait for descheduled threads; the issue's collapse
case). The JSON line records OMP_WAIT_POLICY as set in the environment ("" = libgomp's default:
spin up to GOMP_SPINCOUNT, then sleep).
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = {
    "demo": ("configs/demo.ini", []),
    "default": ("configs/default.ini", []),
    "default_dx2": ("configs/default.ini", ["run.dx_mm=0.02"]),
    "patch3d": ("configs/patch3d.ini", []),
    # The 3-D target: the same 1 x 1 x 1.2 mm patch at 20 um (50 x 50 x 60 voxels, channels
    # resolved) for 140 days; frames every 14 days keep the file at ~0.3 GB. Not in the default
    # list (about 10-15 minutes): ask for it with --cases patch3d_dx20_140d. dermis refuses 150 k
    # voxels with the default solver.max_steps (a stuck run would compute for a day before it stops).
    "patch3d_dx20_140d": ("configs/patch3d.ini",
                          ["run.dx_mm=0.02", "run.t_end_days=140", "output.interval_days=14",
                           "solver.max_steps=20000"]),
}


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def command(dermis, config, out, overrides, threads):
    cmd = [dermis, "run", os.path.join(ROOT, config), "-o", out, "--quiet"]
    for o in overrides:
        cmd += ["--set", o]
    if threads:
        cmd += ["--threads", str(threads)]
    return cmd


def attrs(path):
    with h5py.File(path, "r") as f:
        a = f.attrs
        return {k: (a[k].item() if hasattr(a[k], "item") else a[k]) for k in a if k.startswith("solver_")
                or k in ("threads", "wall_time_s")}


def run_case(dermis, name, work, threads, extra):
    config, overrides = CASES[name]
    out = os.path.join(work, f"{name}.nc")
    load0 = load()
    start = time.monotonic()
    subprocess.run(command(dermis, config, out, overrides + extra, threads), check=True)
    wall = time.monotonic() - start
    a = attrs(out)
    split = {k: a.get(f"solver_wall_{k}_s", 0.0) for k in ("reaction", "diffusion", "chemotaxis")}
    record = {"benchmark": "T1", "case": name, "config": config, "overrides": overrides + extra,
              "threads": a["threads"], "wall_s": round(wall, 3), "steps": a["solver_steps_accepted"],
              "steps_rejected": a["solver_steps_rejected"],
              "reaction_s": round(split["reaction"], 3), "diffusion_s": round(split["diffusion"], 3),
              "chemotaxis_s": round(split["chemotaxis"], 3),
              "other_s": round(a["wall_time_s"] - sum(split.values()), 3),
              "rhs_evaluations": a["solver_rhs_evaluations"], "load_before": load0, "load_after": load()}
    print(json.dumps(record), flush=True)


def concurrent_runs(cmds):
    """Runs the commands at the same time; the others are killed if one fails or on any exit."""
    procs = []
    try:
        procs = [subprocess.Popen(c) for c in cmds]
        for p in procs:
            if p.wait() != 0:
                raise SystemExit("bench/t1.py: a concurrent run failed")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def pair(dermis, work, extra, threads):
    config, overrides = CASES["default"]
    load0 = load()
    start = time.monotonic()
    concurrent_runs([command(dermis, config, os.path.join(work, f"pair{i}.nc"), overrides + extra, threads)
                     for i in range(2)])
    concurrent = time.monotonic() - start
    threads = attrs(os.path.join(work, "pair0.nc"))["threads"]  # the count used
    start = time.monotonic()
    for i in range(2):
        subprocess.run(command(dermis, config, os.path.join(work, f"serial{i}.nc"), overrides + extra, 1), check=True)
    serial = time.monotonic() - start
    print(json.dumps({"benchmark": "pair", "config": config, "threads_each": threads,
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
                      "concurrent_s": round(concurrent, 3),
                      "back_to_back_1_thread_s": round(serial, 3), "ratio": round(concurrent / serial, 3),
                      "target_ratio": 1.3, "load_before": load0, "load_after": load()}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dermis", default=os.path.join(ROOT, "build/release/dermis"))
    p.add_argument("--cases", default="demo,default,default_dx2,patch3d")
    p.add_argument("--threads", type=int, default=0, help="0 = the default thread count")
    p.add_argument("--pair", action="store_true", help="also run the two-concurrent-runs check")
    p.add_argument("--pair-threads", type=int, default=0, help="threads of each concurrent run (0 = default)")
    p.add_argument("--set", action="append", default=[], help="extra override for every run")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="dermis_t1_")
    for name in [c for c in a.cases.split(",") if c]:
        if name not in CASES:
            raise SystemExit(f"bench/t1.py: unknown case '{name}' (known: {', '.join(CASES)})")
        run_case(a.dermis, name, work, a.threads, a.set)
    if a.pair:
        pair(a.dermis, work, a.set, a.pair_threads)


if __name__ == "__main__":
    main()
