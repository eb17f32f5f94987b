#!/usr/bin/env python3
"""Plots x-z cross-sections of one field at chosen days (3-D runs: a slice at y, default the
middle): the top row in absolute units, with the colour range of the dermis (the layers are
outlined, so a collagen-free epidermis does not take the whole colour scale); the bottom row
as the change from the untreated baseline (frame 0) in percent, on a diverging map centred on
0. A 1-D run gives depth-time maps instead. `--field collagen_I+collagen_III` plots a sum of
fields in the same units (all collagen: a channel refills with type III first)."""
import argparse
import sys

import dermis_io as dio
import matplotlib.pyplot as plt
import numpy as np

DERMIS_LAYERS = ("papillary_dermis", "reticular_dermis")


def dermis_mask(ds, y_index=None, shape=None):
    var, names = dio.layer_info(ds)
    if var is None:
        return np.ones(shape, dtype=bool)
    codes = np.asarray(dio.section(var, y_index).values)
    wanted = [i for i, n in enumerate(names) if n in DERMIS_LAYERS]
    return np.isin(codes, wanted) if wanted else np.ones(codes.shape, dtype=bool)


def change_pct(values, base):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(base) > 1e-12 * np.nanmax(np.abs(base)), 100.0 * (values / base - 1.0), np.nan)


def robust_range(values, mask):
    """Colour range of the bulk of the dermis: the 2nd to 98th percentile of its voxels, so a
    few needle channels do not stretch the scale (they saturate; the colour bar says so)."""
    v = np.asarray(values)[..., mask] if mask is not None else np.asarray(values)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(v, [2, 98])
    return (lo, hi) if hi > lo else (lo - 0.5 * abs(lo) - 1e-12, hi + 0.5 * abs(hi) + 1e-12)


def symmetric_limit(values, mask):
    """Half-range of the change maps: 1.5 x the largest median |change| of the dermis over the
    frames shown, so the diffuse change of the bulk sits inside the scale while the deep change
    in and around the needle channels saturates (the colour bar says so); falls back to the 99th
    percentile when the bulk does not change."""
    v = np.abs(np.asarray(values))
    frames = [f[mask] if mask is not None else f.ravel() for f in v.reshape((-1,) + v.shape[-2:])]
    medians = [np.nanmedian(f) for f in frames if np.isfinite(f).any()]
    lim = 1.5 * max(medians) if medians else 0.0
    if not lim > 0:
        finite = v[np.isfinite(v)]
        lim = np.percentile(finite, 99) if finite.size else 1.0
    return lim if lim > 0 else 1.0


def frame_title(day, sessions):
    """'day 28' and, for a frame written at a session's time (the state just after its needles),
    'day 28, session 2 just applied', so fresh channels are not read as unhealed old ones."""
    hits = [i + 1 for i, s in enumerate(sessions) if abs(s - day) < 1e-9]
    return f"day {day:g}" + (f", session {hits[0]} just applied" if hits else "")


def sections(ds, name, days, y_index, path, out):
    sessions = dio.session_times(path)
    var = dio.section(ds[name], y_index)
    t = ds["time"].values
    frames = dio.nearest_frames(ds, days)
    x, z = ds["x"].values, ds["z"].values
    base = np.asarray(var.isel(time=0).values)
    data = np.array([np.asarray(var.isel(time=k).values) for k in frames])
    change = np.array([change_pct(d, base) for d in data])
    mask = dermis_mask(ds, y_index, base.shape)
    vmin, vmax = robust_range(data, mask)
    lim = symmetric_limit(change, mask)
    n = len(frames)
    fig, axes = plt.subplots(2, n, figsize=(3.0 * n + 1.6, 6.4), squeeze=False, sharex=True, sharey=True,
                             constrained_layout=True)
    extent = dict(shading="nearest")
    for j, k in enumerate(frames):
        top = axes[0, j].pcolormesh(x, z, data[j], cmap="viridis", vmin=vmin, vmax=vmax, **extent)
        bottom = axes[1, j].pcolormesh(x, z, change[j], cmap="RdBu_r", vmin=-lim, vmax=lim, **extent)
        axes[0, j].set_title(frame_title(t[k], sessions), fontsize=9)
        for ax in axes[:, j]:
            dio.draw_layer_contours(ax, ds, x, z, y_index)
            ax.set_aspect("equal")
            ax.tick_params(labelsize=8)
        axes[1, j].set_xlabel(dio.label(ds["x"]), fontsize=8)
    axes[0, 0].invert_yaxis()
    for ax in axes[:, 0]:
        ax.set_ylabel(dio.label(ds["z"]), fontsize=8)
    long_name = var.attrs.get("long_name", name)
    fig.colorbar(top, ax=list(axes[0]), label=f"{name} [{var.attrs.get('units', '')}]\n(colour range: dermis)",
                 shrink=0.9, extend="both")
    fig.colorbar(bottom, ax=list(axes[1]), label="change from baseline [%]", shrink=0.9, extend="both")
    fig.suptitle(f"{long_name}: absolute (top) and change from the untreated baseline (bottom); "
                 f"dashed: layer boundaries\n{dio.title_of(ds, path)}", fontsize=9)
    dio.save(fig, out)


def depth_time(ds, name, path, out):
    var = ds[name]
    t, z = ds["time"].values, ds["z"].values
    values = np.asarray(var.values).T
    change = change_pct(values, values[:, :1])
    lim = symmetric_limit(change, None)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True, constrained_layout=True)
    m0 = axes[0].pcolormesh(t, z, values, shading="nearest", cmap="viridis")
    m1 = axes[1].pcolormesh(t, z, change, shading="nearest", cmap="RdBu_r", vmin=-lim, vmax=lim)
    axes[0].invert_yaxis()
    for ax in axes:
        ax.set_xlabel(dio.label(ds["time"]))
        dio.draw_layer_lines(ax, ds, annotate=ax is axes[1])
    axes[0].set_ylabel(dio.label(ds["z"]))
    fig.colorbar(m0, ax=axes[0], label=dio.label(var, name))
    fig.colorbar(m1, ax=axes[1], label="change from baseline [%]", extend="both")
    fig.suptitle(dio.title_of(ds, path), fontsize=9)
    dio.save(fig, out)


def summed_field(ds, spec):
    """Adds the field `A+B+...` (fields in the same units) to ds and returns its name."""
    names = [n.strip() for n in spec.split("+")]
    for n in names:
        dio.require_field(ds, n)
    units = {ds[n].attrs.get("units") for n in names}
    if len(units) != 1:
        sys.exit(f"dermis: --field {spec}: the fields have different units ({', '.join(map(str, units))})")
    total = sum(ds[n] for n in names)
    total.attrs = {"long_name": " + ".join(ds[n].attrs.get("long_name", n) for n in names), "units": units.pop()}
    ds[spec] = total
    return spec


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--field", required=True, help="field name, e.g. collagen_I, or a sum such as collagen_I+collagen_III")
    p.add_argument("--days", default="", help="comma-separated days (default: first and last frame)")
    p.add_argument("--y-index", type=int, default=None, help="3-D runs: y index of the slice (default: middle)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    ds = dio.open_dataset(a.file, a.live)
    if "+" in a.field:
        summed_field(ds, a.field)
    else:
        dio.require_field(ds, a.field)
    if "x" not in ds[a.field].dims:
        depth_time(ds, a.field, a.file, a.output)
        return
    t = ds["time"].values
    days = dio.parse_list(a.days, float) or [t[0], t[-1]]
    sections(ds, a.field, days, a.y_index, a.file, a.output)


if __name__ == "__main__":
    main()
