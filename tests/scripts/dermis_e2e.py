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


def observables(path):
    """The observables group's time and every observable series under its flat name
    (<variable>_<region> for per-region variables, as documented in docs/output.md)."""
    with h5py.File(path, "r") as f:
        g = f["observables"]
        regions = [r.decode() if isinstance(r, bytes) else r for r in g["region"][:]]
        series = {}
        for k in g:
            if k in ("time", "region"):
                continue
            if g[k].ndim == 2:
                series.update({f"{k}_{r}": g[k][:, i] for i, r in enumerate(regions)})
            else:
                series[k] = g[k][:]
        return g["time"][:], series


def fields(path):
    """time and every field (time, z[, y][, x]) of an output file."""
    with h5py.File(path, "r") as f:
        data = {k: f[k][:] for k in f if f[k].ndim >= 2 and f[k].dims[0].keys() == ["time"]}
        return f["time"][:], data


def peak_time(t, y):
    return float(t[int(np.argmax(y))])


def attr(path, name):
    """A root attribute as a Python str (h5py gives bytes for fixed-length strings)."""
    with h5py.File(path, "r") as f:
        value = f.attrs[name]
        return value.decode() if isinstance(value, bytes) else value
