"""Helpers for the script tests: find and run make_sample_output (tests/io), and the values it
writes (mirrors sample_value/sample_observable in tests/io/make_sample_output.c)."""
import os
import subprocess
import sys

import numpy as np

SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
SCRIPTS = os.path.join(SOURCE, "scripts")
PYTHON = "/usr/bin/python3"
FRAME_DAYS = 7.0
OBS_PER_FRAME = 4


def writer():
    path = os.environ.get("DERMIS_SAMPLE_WRITER")
    if not path and os.environ.get("DERMIS"):
        path = os.path.join(os.path.dirname(os.environ["DERMIS"]), "tests", "make_sample_output")
    if not path or not os.path.exists(path):
        print("SKIP: make_sample_output not built (DERMIS_SAMPLE_WRITER unset)")
        sys.exit(0)
    return path


def make(path, dims, frames=6, extra=()):
    subprocess.run([writer(), path, "--dims", str(dims), "--frames", str(frames), *extra],
                   check=True, stdout=subprocess.DEVNULL)
    return path


def grid_shape(dims):
    """(nz, ny, nx) of the sample grid, as in make_sample_output.c."""
    return {1: (40, 1, 1), 2: (30, 1, 24), 3: (16, 10, 12)}[dims]


def field_value(s, k, dims):
    """Expected field s at frame k, shaped as stored: (z), (z, x) or (z, y, x)."""
    nz, ny, nx = grid_shape(dims)
    iz, iy, ix = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    v = (s + 1) * (1.0 + k) * np.exp(-0.05 * iz) * (1.0 + 0.25 * np.cos(0.3 * ix) * np.cos(0.2 * iy))
    if dims == 1:
        return v[:, 0, 0]
    if dims == 2:
        return v[:, 0, :]
    return v


def observable_value(j, r):
    """Value j of observable row r (mirrors sample_observable in make_sample_output.c)."""
    return (j + 1) * np.sin(0.1 * np.asarray(r, dtype=float)) + j


def run_script(name, *args):
    subprocess.run([PYTHON, os.path.join(SCRIPTS, name), *args], check=True)
