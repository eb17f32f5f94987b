#!/usr/bin/env python3
"""Plots depth profiles (lateral mean) of one field at chosen days (nearest frame), depth
downward, as steps (one value per voxel layer), with the skin layers marked: left in absolute
units, right as the change from the untreated baseline (frame 0) in percent."""
import argparse

import dermis_io as dio
import matplotlib.pyplot as plt
import numpy as np


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--field", required=True, help="field name, e.g. collagen_I")
    p.add_argument("--days", default="", help="comma-separated days (default: first, middle, last frame)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    ds = dio.open_dataset(a.file, a.live)
    var = dio.lateral_mean(dio.require_field(ds, a.field))
    t = ds[dio.FIELD_TIME].values
    z = ds["z"].values
    dz = z[1] - z[0] if z.size > 1 else 2 * z[0]
    edges = np.append(z - dz / 2, z[-1] + dz / 2)
    days = dio.parse_list(a.days, float) or [t[0], t[len(t) // 2], t[-1]]
    base = np.asarray(var.isel(time=0).values)
    fig, (ax, axc) = plt.subplots(1, 2, figsize=(9, 6), sharey=True, constrained_layout=True)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(days)))
    shown = []
    for c, k in zip(colors, dio.nearest_frames(ds, days)):
        v = np.asarray(var.isel(time=k).values)
        shown.append(v)
        ax.stairs(v, edges, orientation="horizontal", color=c, lw=1.5, label=f"day {t[k]:g}", baseline=None)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(np.abs(base) > 1e-12 * np.nanmax(np.abs(base)), 100.0 * (v / base - 1.0), np.nan)
        axc.stairs(change, edges, orientation="horizontal", color=c, lw=1.5, baseline=None)
    ax.set_ylim(edges[-1], edges[0])  # depth grows downward
    # The x range of the tissue that holds the field (a layer where it is ~0, such as collagen in
    # the epidermis, would squeeze the profiles against the right edge).
    values = np.concatenate(shown)
    values = values[np.isfinite(values)]
    bulk = values[values > 0.2 * values.max()] if values.size and values.max() > 0 else values
    if bulk.size and bulk.min() > 0:
        span = bulk.max() - bulk.min()
        ax.set_xlim(bulk.min() - 0.1 * span, bulk.max() + 0.1 * span)
    axc.axvline(0.0, color="0.5", lw=0.8)
    for axis in (ax, axc):
        dio.draw_layer_lines(axis, ds, annotate=axis is axc)
        axis.grid(alpha=0.25)
    ax.set_xlabel(dio.label(ds[a.field], a.field))
    axc.set_xlabel("change from baseline [%]")
    ax.set_ylabel(dio.label(ds["z"]))
    ax.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"{ds[a.field].attrs.get('long_name', a.field)}: lateral-mean depth profiles; dashed: layer "
                 f"boundaries\n{dio.title_of(ds, a.file)}",
                 fontsize=9)
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
