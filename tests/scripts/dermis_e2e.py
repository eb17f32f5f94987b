"""Helpers for the end-to-end tests: run the real `dermis` binary and read its output.

Not a test itself (no test_ prefix). The binary comes from the DERMIS environment variable
(set by CTest), the configs from DERMIS_SOURCE_DIR."""
import os
import subprocess
import tempfile

import h5py
import numpy as np

DERMIS = os.environ.get("DERMIS", "dermis")
SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = tempfile.mkdtemp(prefix="dermis_e2e_")

# A 1-D cheek column at 20 um: small enough that a run of weeks takes seconds.
PROFILE = ("run.dx_mm=0.02",)


def config(name):
    return os.path.join(SOURCE, "configs", name)


def run(cfg, out_name, *overrides, threads=1, restart=None, expect=0):
    """Runs `dermis run cfg -o WORK/out_name` with --set overrides; returns the output path."""
    out = os.path.join(WORK, out_name)
    cmd = [DERMIS, "run", cfg, "-o", out, "--quiet", "--threads", str(threads)]
    for o in overrides:
        cmd += ["--set", o] if not o.startswith("--") else [o]
    if restart:
        cmd += ["--restart", restart]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != expect:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n{proc.stderr}")
    return out


def _first(t, baseline):
    """Index of the first row to return: row 0 is the untreated baseline; when a session falls on
    day 0, row 1 is the injured state at the same time and, unless baseline=True, the series
    start there (one value per time, as the tests' derivatives and peak times need)."""
    return 1 if not baseline and len(t) > 1 and t[1] == t[0] else 0


def observables(path, baseline=False):
    """The observables group's time and every observable series under its flat name
    (<variable>_<region> for per-region variables, as documented in docs/output.md)."""
    with h5py.File(path, "r") as f:
        g = f["observables"]
        k = _first(g["time"][:], baseline)
        regions = [r.decode() if isinstance(r, bytes) else r for r in g["region"][:]]
        series = {}
        for name in g:
            if name in ("time", "region"):
                continue
            if g[name].ndim == 2:
                series.update({f"{name}_{r}": g[name][k:, i] for i, r in enumerate(regions)})
            else:
                series[name] = g[name][k:]
        return g["time"][k:], series


def fields(path, baseline=False):
    """time and every field (time, z[, y][, x]) of an output file (from the injured state on,
    as observables())."""
    with h5py.File(path, "r") as f:
        k = _first(f["time"][:], baseline)
        data = {n: v[k:] for n, v in f.items()
                if isinstance(v, h5py.Dataset) and v.ndim >= 2 and v.dims[0].keys() == ["time"]}
        return f["time"][k:], data


def peak_time(t, y):
    return float(t[int(np.argmax(y))])


def attr(path, name):
    """A root attribute as a Python str (h5py gives bytes for fixed-length strings)."""
    with h5py.File(path, "r") as f:
        value = f.attrs[name]
        return value.decode() if isinstance(value, bytes) else value
