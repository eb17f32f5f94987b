#!/usr/bin/env python3
"""Plots x-z cross-section heat maps of one field at chosen days (3-D runs: a slice at y,
default the middle). A 1-D run gives a depth-time heat map instead."""
import argparse

import dermis_io as dio
import matplotlib.pyplot as plt
import numpy as np


def depth_time(ds, name, path, out):
    var = ds[name]
    fig, ax = plt.subplots(figsize=(7, 4))
    mesh = ax.pcolormesh(ds["time"].values, ds["z"].values, np.asarray(var.values).T, shading="auto")
    ax.invert_yaxis()
    ax.set_xlabel(dio.label(ds["time"]))
    ax.set_ylabel(dio.label(ds["z"]))
    fig.colorbar(mesh, ax=ax, label=dio.label(var, name))
    ax.set_title(dio.title_of(ds, path), fontsize=9)
    dio.save(fig, out)


def sections(ds, name, days, y_index, path, out):
    var = dio.section(ds[name], y_index)
    t = ds["time"].values
    frames = dio.nearest_frames(ds, days)
    data = [np.asarray(var.isel(time=k).values) for k in frames]
    vmin, vmax = np.nanmin(data), np.nanmax(data)
    fig, axes = plt.subplots(1, len(frames), figsize=(4 * len(frames) + 1, 4), squeeze=False, sharey=True)
    for ax, k, d in zip(axes[0], frames, data):
        mesh = ax.pcolormesh(ds["x"].values, ds["z"].values, d, shading="auto", vmin=vmin, vmax=vmax)
        ax.set_title(f"day {t[k]:g}")
        ax.set_xlabel(dio.label(ds["x"]))
        ax.set_aspect("equal")
    axes[0, 0].invert_yaxis()
    axes[0, 0].set_ylabel(dio.label(ds["z"]))
    fig.colorbar(mesh, ax=list(axes[0]), label=dio.label(ds[name], name))
    fig.suptitle(dio.title_of(ds, path), fontsize=9)
    dio.save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--field", required=True, help="field name, e.g. fibroblasts")
    p.add_argument("--days", default="", help="comma-separated days (default: first and last frame)")
    p.add_argument("--y-index", type=int, default=None, help="3-D runs: y index of the slice (default: middle)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    ds = dio.open_dataset(a.file, a.live)
    dio.require_field(ds, a.field)
    if "x" not in ds[a.field].dims:
        depth_time(ds, a.field, a.file, a.output)
        return
    t = ds["time"].values
    days = dio.parse_list(a.days, float) or [t[0], t[-1]]
    sections(ds, a.field, days, a.y_index, a.file, a.output)


if __name__ == "__main__":
    main()
