"""Shared helpers of the sweep figures (scripts/sweep_heatmap.py, sweep_lines.py,
sweep_sensitivity.py): open a sweep summary (DIR/summary.nc, or DIR itself), label axes from CF
attributes, save figures. docs/sweeps.md describes the summary."""
import os
import sys

import matplotlib

matplotlib.use("Agg")  # headless: PNG/SVG/PDF without a display
import matplotlib.pyplot as plt  # noqa: E402,F401  (re-exported for the scripts)


def summary_path(path):
    return os.path.join(path, "summary.nc") if os.path.isdir(path) else path


def open_summary(path, group=None):
    """The summary as an xarray Dataset (group="grid" for the grid dimensions). The sweep
    replaces the file atomically after every point, so it can be read while the sweep runs."""
    import xarray as xr

    path = summary_path(path)
    if not os.path.exists(path):
        sys.exit(f"{path}: no such file (run `dermis sweep` or `dermis sweep --collect DIR` first)")
    try:
        return xr.open_dataset(path, engine="h5netcdf", group=group)
    except OSError as e:
        sys.exit(f"{path}: {'no grid group: the sweep is not a grid design' if group else e}")


def label(var, name=None):
    """Axis label 'long_name [units]' from CF attributes."""
    attrs = getattr(var, "attrs", {})
    text = attrs.get("long_name", name or getattr(var, "name", ""))
    units = attrs.get("units")
    return f"{text} [{units}]" if units not in (None, "", "1") else str(text)


def key_label(var, name):
    """Axis label of a varied key: 'device.depth_mm [mm]'."""
    units = var.attrs.get("units")
    key = var.attrs.get("sweep_key", name)
    return f"{key} [{units}]" if units not in (None, "", "1") else key


def short_label(var, name):
    """Axis label of a statistic: its name with units; the long name goes into the title."""
    units = var.attrs.get("units")
    return f"{name} [{units}]" if units not in (None, "", "1") else name


def wrapped_title(var, width=70):
    import textwrap

    return "\n".join(textwrap.wrap(var.attrs.get("long_name", ""), width))


def require(ds, name, what="variable"):
    if name not in ds.variables:
        choices = [n for n in ds.data_vars if n.endswith(("_final", "_peak", "_peak_time"))]
        hint = ", ".join(choices[:12]) + (" ..." if len(choices) > 12 else "")
        sys.exit(f"no {what} '{name}' in the summary; e.g. {hint}")
    return ds[name]


def varied_keys(ds):
    """netCDF names of the varied keys, in sweep order (device_depth_mm, ...)."""
    keys = ds.attrs.get("sweep_keys", "").split()
    return [k.replace(".", "_") for k in keys]


def save(fig, path):
    """Saves by extension (png, svg, pdf)."""
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
