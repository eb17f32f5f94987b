"""Shared helpers for the dermis plotting scripts: open an output file (also while the run is
still writing it, through SWMR), read its groups, name observables, label axes from CF
attributes, draw layer boundaries, save figures.

The output layout is described in docs/output.md: fields in the root group, observables in the
group `observables` (dimensions time and region), the sessions table in the group `sessions`.
"""
import os
import sys

REQUIRED = ("numpy", "matplotlib", "xarray", "h5netcdf", "h5py")
DEBIAN_PACKAGES = "python3-numpy python3-matplotlib python3-xarray python3-h5netcdf python3-h5py"


def _require_packages():
    """One clear line (and the command that fixes it) instead of a traceback when this Python
    lacks the packages the scripts use."""
    import importlib.util

    missing = [m for m in REQUIRED if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit(f"dermis: {sys.executable} lacks the Python package(s) {', '.join(missing)}; "
                 f"run the script with /usr/bin/python3, or install them: "
                 f"sudo apt-get install {DEBIAN_PACKAGES}")


_require_packages()

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # headless: PNG/SVG/PDF without a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

FIELD_TIME = "time"
OBS_GROUP = "observables"
SESSIONS_GROUP = "sessions"
SPATIAL_DIMS = ("z", "y", "x")


def _open(path, live, group):
    import xarray as xr

    if not os.path.exists(path):
        sys.exit(f"dermis: {path}: no such file")
    if not live:
        try:
            return xr.open_dataset(path, engine="h5netcdf", group=group)
        except OSError:
            pass  # still open by a SWMR writer (or killed): retry as a SWMR reader
    import h5netcdf

    f = h5netcdf.File(path, "r", libver="latest", swmr=True)
    return xr.open_dataset(xr.backends.H5NetCDFStore(f, group=group))


def open_dataset(path, live=False):
    """The fields (root group) as an xarray Dataset. live=True (or a file still open for
    writing) goes through h5netcdf with SWMR, so a running simulation can be followed."""
    return _open(path, live, None)


def open_observables(path, live=False):
    """The observables group: dims time and region."""
    try:
        return _open(path, live, OBS_GROUP)
    except OSError:
        sys.exit(f"dermis: {path}: no '{OBS_GROUP}' group (written by an older dermis?)")


def session_times(path, live=False):
    try:
        s = _open(path, live, SESSIONS_GROUP)
    except OSError:
        return np.array([])
    return np.asarray(s["session_time"].values) if "session_time" in s else np.array([])


def flat_names(obs):
    """Flat observable names, generated: <var>_<region> for per-region variables, <var> else."""
    names = []
    for n, v in obs.data_vars.items():
        if "region" in v.dims:
            names += [f"{n}_{r}" for r in region_names(obs)]
        else:
            names.append(n)
    return names


def region_names(obs):
    return [r.decode() if isinstance(r, bytes) else str(r) for r in obs["region"].values]


def observable(obs, name):
    """The time series of a flat observable name (e.g. collagen_change_pct_dermis), or None."""
    if name in obs.data_vars and "region" not in obs[name].dims:
        return obs[name]
    for r in region_names(obs):
        stem = name[: -len(r) - 1]
        if name.endswith("_" + r) and stem in obs.data_vars and "region" in obs[stem].dims:
            var = obs[stem].sel(region=r)
            var.attrs = dict(obs[stem].attrs)
            var.attrs["region"] = r
            return var
    return None


def flat_observables(path, live=False):
    """(time, {flat name: values}) of every observable: the flat view for scripts and tests."""
    obs = open_observables(path, live)
    return np.asarray(obs["time"].values), {n: np.asarray(observable(obs, n).values) for n in flat_names(obs)}


def label(var, name=None):
    """Axis label 'long_name [units]' from CF attributes."""
    attrs = getattr(var, "attrs", {})
    text = attrs.get("long_name", name or getattr(var, "name", ""))
    units = attrs.get("units")
    return f"{text} [{units}]" if units not in (None, "", "1") else str(text)


def fields(ds):
    """Names of the field variables (time, z[, y][, x])."""
    return [n for n, v in ds.data_vars.items() if v.dims[:1] == (FIELD_TIME,) and "z" in v.dims]


def require_field(ds, name):
    if name not in ds.data_vars or name not in fields(ds):
        sys.exit(f"dermis: no field '{name}' in the file; fields: {', '.join(fields(ds))}")
    return ds[name]


def nearest_frames(ds, days):
    """Frame indices nearest to each requested day; of two frames at the same time (the
    baseline and the freshly injured state at a session on day 0) the later one."""
    t = np.asarray(ds[FIELD_TIME].values)
    if t.size == 0:
        sys.exit("dermis: the file has no field frames yet")
    frames = []
    for d in days:
        dist = np.abs(t - d)
        frames.append(int(np.flatnonzero(dist == dist.min())[-1]))
    return frames


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


def layer_info(ds):
    """(layer map or None, list of layer names) from the CF flag variable `layer`."""
    if "layer" not in ds.variables:
        return None, []
    var = ds["layer"]
    return var, str(var.attrs.get("flag_meanings", "")).split()


def layer_boundaries(ds):
    """Depths (mm) where the laterally most common layer changes, with the names of the layers
    below each boundary: [(depth_mm, name), ...]. Empty without a layer map."""
    var, names = layer_info(ds)
    if var is None:
        return []
    codes = np.asarray(var.values)
    codes = codes.reshape(codes.shape[0], -1)
    column = [np.bincount(row.astype(int)).argmax() for row in codes]
    z = np.asarray(ds["z"].values)
    dz = z[1] - z[0] if z.size > 1 else 2 * z[0]
    out = []
    for i in range(1, len(column)):
        if column[i] != column[i - 1]:
            out.append((z[i] - dz / 2, names[column[i]] if column[i] < len(names) else str(column[i])))
    return out


def draw_layer_lines(ax, ds, vertical_depth=True, annotate=True):
    """Layer boundaries as thin dashed lines (depth on the y axis), labelled at the right."""
    for depth, name in layer_boundaries(ds):
        ax.axhline(depth, color="0.25", lw=0.7, ls=(0, (4, 3)))
        if annotate:
            ax.annotate(name.replace("_", " "), xy=(1.0, depth), xycoords=("axes fraction", "data"),
                        xytext=(3, -2), textcoords="offset points", va="top", ha="left", fontsize=7, color="0.25")


def draw_layer_contours(ax, ds, x, z, y_index=None):
    """Layer boundaries on a section: contour lines between the layer codes."""
    var, _ = layer_info(ds)
    if var is None:
        return
    codes = np.asarray(section(var, y_index).values, dtype=float)
    if np.unique(codes).size > 1:
        ax.contour(x, z, codes, levels=np.unique(codes)[:-1] + 0.5, colors="0.15", linewidths=0.7,
                   linestyles="dashed")


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
