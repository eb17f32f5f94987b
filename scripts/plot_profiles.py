#!/usr/bin/env python3
"""Plots depth profiles (lateral mean) of one field at chosen days (nearest frame), depth
downward."""
import argparse

import dermis_io as dio
import matplotlib.pyplot as plt


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
    days = dio.parse_list(a.days, float) or [t[0], t[len(t) // 2], t[-1]]
    fig, ax = plt.subplots(figsize=(5, 6))
    for k in dio.nearest_frames(ds, days):
        ax.plot(var.isel(time=k).values, ds["z"].values, label=f"day {t[k]:g}")
    ax.invert_yaxis()  # depth grows downward
    ax.set_xlabel(dio.label(ds[a.field], a.field))
    ax.set_ylabel(dio.label(ds["z"]))
    ax.legend()
    ax.grid(alpha=0.3)
    ax.set_title(dio.title_of(ds, a.file), fontsize=9)
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
