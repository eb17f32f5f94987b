"""Shared helpers for the dermis plotting scripts: open an output file (also while the run is
still writing it, through SWMR), pick variables, label axes from CF attributes, save figures.

The output layout is described in docs/output.md. Everything here is generic: variables are
found by their dimensions, never by biological name.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")  # headless: PNG/SVG/PDF without a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

FIELD_TIME = "time"
OBS_TIME = "time_obs"
SPATIAL_DIMS = ("z", "y", "x")


def open_dataset(path, live=False):
    """Opens an output as an xarray Dataset. live=True (or a file still open for writing) goes
    through h5netcdf with SWMR, so a running simulation can be followed."""
    import xarray as xr

    if not os.path.exists(path):
        sys.exit(f"{path}: no such file")
    if not live:
        try:
            return xr.open_dataset(path, engine="h5netcdf")
        except OSError:
            pass  # still open by a SWMR writer (or killed): retry as a SWMR reader
    import h5netcdf

    f = h5netcdf.File(path, "r", libver="latest", swmr=True)
    return xr.open_dataset(xr.backends.H5NetCDFStore(f))


def label(var, name=None):
    """Axis label 'long_name [units]' from CF attributes."""
    attrs = getattr(var, "attrs", {})
    text = attrs.get("long_name", name or getattr(var, "name", ""))
    units = attrs.get("units")
    return f"{text} [{units}]" if units not in (None, "", "1") else str(text)


def observables(ds):
    """Names of the observable series (1-D along time_obs), in file order."""
    return [n for n, v in ds.data_vars.items() if v.dims == (OBS_TIME,)]


def fields(ds):
    """Names of the field variables (time, z[, y][, x])."""
    return [n for n, v in ds.data_vars.items() if v.dims[:1] == (FIELD_TIME,) and "z" in v.dims]


def require_field(ds, name):
    if name not in ds.data_vars or name not in fields(ds):
        sys.exit(f"no field '{name}' in the file; fields: {', '.join(fields(ds))}")
    return ds[name]


def session_times(ds):
    return np.asarray(ds["session_time"].values) if "session_time" in ds else np.array([])


def nearest_frames(ds, days):
    """Frame indices nearest to each requested day."""
    t = np.asarray(ds[FIELD_TIME].values)
    if t.size == 0:
        sys.exit("the file has no field frames yet")
    return [int(np.argmin(np.abs(t - d))) for d in days]


def parse_list(text, convert=str):
    return [convert(s.strip()) for s in text.split(",") if s.strip()] if text else []


def lateral_mean(var):
    """Mean over the lateral axes (x, y) present, leaving (time, z)."""
    lateral = [d for d in ("x", "y") if d in var.dims]
    return var.mean(dim=lateral, keep_attrs=True) if lateral else var


def section(var, y_index=None):
    """An x-z section: for 3-D, the slice at y_index (default: middle)."""
    if "y" in var.dims:
        ny = var.sizes["y"]
        var = var.isel(y=ny // 2 if y_index is None else y_index)
    return var


def title_of(ds, path):
    return f"{os.path.basename(path)} ({ds.attrs.get('source', 'dermis')})"


def save(fig, path):
    """Saves by extension (png, svg, pdf...)."""
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def add_common_arguments(parser):
    parser.add_argument("-o", "--output", required=True, help="figure file: .png, .svg or .pdf")
    parser.add_argument("--live", action="store_true",
                        help="open with SWMR (the run is still writing the file)")
