"""End-to-end tests of `dermis sweep` (docs/sweeps.md): the plan, failure isolation (a point with
a bad override), resume, the summary in xarray, and the job-array drivers giving the same summary
as the local driver. The killed point and the stopped sweep: test_heavy_sweep_kill.py.

Runs the real binary (DERMIS) on a 1-D column of a few days, so a point takes a fraction of a
second. test_heavy_sweep_kill.py reuses these helpers."""
import csv
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import xarray as xr

DERMIS = os.environ.get("DERMIS", "dermis")
SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = tempfile.mkdtemp(prefix="dermis_sweep_")
PROFILE = os.path.join(SOURCE, "configs", "profile_1d.ini")

FAST_SET = """[set]
run.t_end_days = 6
run.dx_mm = 0.05
output.interval_days = 3
output.observables_interval_days = 1
treatment.session_days = 0
"""


def write_sweep(name, body, base=PROFILE, sets=FAST_SET):
    path = os.path.join(WORK, name + ".ini")
    with open(path, "w") as f:
        f.write(f"# test sweep\n[sweep]\nbase = {base}\n{body}\n{sets}")
    return path


def sweep(*args, expect=0):
    proc = subprocess.run([DERMIS, "sweep", *args], capture_output=True, text=True)
    if proc.returncode != expect:
        raise AssertionError(f"dermis sweep {' '.join(args)} exited {proc.returncode}, expected {expect}:\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def summary_rows(out):
    with open(os.path.join(out, "summary.csv")) as f:
        return list(csv.DictReader(f))


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def test_plan_is_deterministic_and_listed():
    spec = write_sweep("lhs", "design = lhs\nsamples = 5\nseed = 3\nreplicates = 2\n"
                       "[vary.device.depth_mm]\nmin = 0.25\nmax = 1.5\n"
                       "[vary.species.fibroblasts.proliferation_per_day]\nmin = 0.3\nmax = 1.2\nscale = log\n")
    a = sweep(spec, "-o", os.path.join(WORK, "lhs"), "--dry-run").stdout
    b = sweep(spec, "-o", os.path.join(WORK, "lhs"), "--dry-run").stdout
    check(a == b, "the dry run differs between two calls")
    rows = [r for r in csv.DictReader(line for line in a.splitlines() if not line.startswith("#"))]
    check(len(rows) == 10, f"expected 5 samples x 2 replicates = 10 points, got {len(rows)}")
    # Latin hypercube: each parameter has exactly one sample in each fifth of its unit range.
    for key in ("device.depth_mm", "species.fibroblasts.proliferation_per_day"):
        u = np.array([float(r["u:" + key]) for r in rows if r["replicate"] == "0"])
        check(sorted(np.floor(u * 5).astype(int)) == [0, 1, 2, 3, 4], f"{key}: not one sample per stratum: {u}")
    check({r["seed"] for r in rows if r["replicate"] == "1"} == {"2"}, "replicate 1 must run base seed + 1")
    check(all(r["status"] == "pending" for r in rows), "nothing has run yet")
    print("ok: plan")


def test_failure_isolation_resume_and_summary():
    """A point with a bad override fails with its error line while the others complete; the
    summary has the grid dimensions; a re-run skips completed points and keeps failing the bad one."""
    spec = write_sweep("grid", "design = grid\nreplicates = 2\n"
                       "[vary.run.depth_mm]\nvalues = 2, 1.99\n"
                       "[vary.device.depth_mm]\nvalues = 0.5, 1.5\n"
                       "[vary.treatment.reseal_half_life_h]\nmin = 6\nmax = 24\ncount = 2\n")
    out = os.path.join(WORK, "grid")
    proc = sweep(spec, "-o", out, "--jobs", "2", "--threads", "1", expect=1)
    check("did not complete" in proc.stderr, proc.stderr)
    rows = summary_rows(out)
    check(len(rows) == 16, f"16 points expected, got {len(rows)}")
    # A 1.99 mm column is not a whole number of 0.05 mm voxels: a bad override.
    bad = [r for r in rows if r["run_depth_mm"] == "1.99"]
    good = [r for r in rows if r["run_depth_mm"] != "1.99"]
    check(all(r["status"] == "failed" and "--set run.depth_mm=1.99" in r["error"] and "whole number" in r["error"]
              for r in bad), f"the 1.99 mm points must fail with their error line: {bad[0]}")
    check(all(r["status"] == "completed" and r["error"] == "" for r in good), "the other points must complete")
    ds = xr.open_dataset(os.path.join(out, "summary.nc"), engine="h5netcdf")
    check(list(ds.status.values).count("completed") == 8, "summary.nc status")
    check(ds.device_depth_mm.attrs["units"] == "mm" and "device_depth_mm" in ds.damage_mean_dermis_final.coords,
          "the varied keys must be coordinates with units")
    check("collagen_change_pct_dermis" in ds and ds.collagen_change_pct_dermis.dims == ("point", "time_obs"),
          "the main observable's time series is missing")
    grid = xr.open_dataset(os.path.join(out, "summary.nc"), engine="h5netcdf", group="grid")
    grid = grid.sel(run_depth_mm=2)
    cell = grid.sel(device_depth_mm=1.5, treatment_reseal_half_life_h=24)
    finals = [float(r["damage_mean_dermis_peak"]) for r in good
              if r["device_depth_mm"] == "1.5" and r["treatment_reseal_half_life_h"] == "24"]
    check(np.isclose(float(cell.damage_mean_dermis_peak_mean), np.mean(finals), rtol=1e-9, atol=0),
          "grid replicate mean differs from the mean of the points")
    check(np.isclose(float(cell.damage_mean_dermis_peak_std), np.std(finals, ddof=1), rtol=1e-6, atol=1e-12),
          "grid replicate std differs")
    failed_cells = xr.open_dataset(os.path.join(out, "summary.nc"), engine="h5netcdf", group="grid").sel(run_depth_mm=1.99)
    check(bool(np.isnan(failed_cells.damage_mean_dermis_peak_mean).all()), "a failed cell must be NaN, not a number")
    deep = grid.damage_mean_dermis_peak_mean.sel(device_depth_mm=1.5)
    shallow = grid.damage_mean_dermis_peak_mean.sel(device_depth_mm=0.5)
    check(bool((deep > shallow).all()), "deeper needles must injure the dermis more")
    # Resume: completed points are skipped (their output untouched), the bad ones fail again.
    nc0 = os.path.join(out, "points", "p000000.nc")
    stamp = os.stat(nc0).st_mtime_ns
    sweep(spec, "-o", out, "--jobs", "2", "--threads", "1", expect=1)
    check(os.stat(nc0).st_mtime_ns == stamp, "a completed point was run again")
    check(sum(r["status"] == "completed" for r in summary_rows(out)) == 8, "resume changed the completed points")
    print("ok: failure isolation, summary, resume")
    return spec, out


def test_job_arrays_give_the_local_summary(spec, local_out):
    """--shard and --point (job arrays) then --collect give the local driver's summary bit for bit."""
    out = os.path.join(WORK, "shards")
    for k in range(3):
        sweep(spec, "-o", out, "--shard", f"{k}/3", "--threads", "1", expect=1)
    check(not os.path.exists(os.path.join(out, "summary.nc")), "a shard must not write the summary")
    sweep("--collect", out)
    check(filecmp.cmp(os.path.join(out, "summary.csv"), os.path.join(local_out, "summary.csv"), shallow=False),
          "summary.csv of shards + collect differs from the local driver's")
    check(filecmp.cmp(os.path.join(out, "summary.nc"), os.path.join(local_out, "summary.nc"), shallow=False),
          "summary.nc of shards + collect differs from the local driver's (bitwise)")
    out1 = os.path.join(WORK, "point")
    sweep(spec, "-o", out1, "--point", "3", "--threads", "1")
    check(os.path.exists(os.path.join(out1, "points", "p000003.nc")), "--point 3 must write point 3")
    check(not os.path.exists(os.path.join(out1, "points", "p000002.nc")), "--point 3 must run point 3 only")
    sweep(spec, "-o", out1, "--slurm")
    with open(os.path.join(out1, "sweep.sbatch")) as f:
        script = f.read()
    check("#SBATCH --array=0-15" in script and "--point \"$SLURM_ARRAY_TASK_ID\"" in script, script)
    print("ok: shards, point, collect, slurm")


def test_bad_sweep_files():
    cases = [
        ("design = gird\n", "sweep.design: unknown design 'gird'"),
        ("design = grid\n[vary.device.depht_mm]\nvalues = 1\n", "did you mean device.depth_mm?"),
        ("design = grid\n[vary.device.depth_mm]\nvalues = 1, 9\n", "vary.device.depth_mm.values: must be"),
        ("design = lhs\n[vary.device.depth_mm]\nmin = 1\nmax = 2\n", "needs samples = N"),
        ("design = grid\n[vary.device.depth_mm]\nmin = 1\nmax = 2\n", "needs count = N"),
        ("design = sobol\nsamples = 4\n[vary.device.type]\nmin = 1\nmax = 2\n", "is not a number"),
        ("design = grid\n[vary.treatment.session_days]\nvalues = 1\n", "vary scalar keys only"),
    ]
    for k, (body, message) in enumerate(cases):
        spec = write_sweep(f"bad{k}", body)
        err = sweep(spec, "--dry-run", expect=2).stderr
        check(err.count("\n") == 1 and err.startswith(f"dermis: {spec}:") and message in err,
              f"case {k}: expected one line with '{message}', got: {err!r}")
    print("ok: bad sweep files")


def main():
    try:
        test_plan_is_deterministic_and_listed()
        test_bad_sweep_files()
        spec, out = test_failure_isolation_resume_and_summary()
        test_job_arrays_give_the_local_summary(spec, out)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
