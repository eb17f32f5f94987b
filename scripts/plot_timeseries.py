#!/usr/bin/env python3
"""Plots the observable time series of a dermis output, one panel per variable, with vertical
lines at the microneedling sessions."""
import argparse

import dermis_io as dio
import matplotlib.pyplot as plt


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--vars", default="", help="comma-separated observables (default: all)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    ds = dio.open_dataset(a.file, a.live)
    names = dio.parse_list(a.vars) or dio.observables(ds)
    missing = [n for n in names if n not in ds.data_vars]
    if missing or not names:
        raise SystemExit(f"unknown or no observables: {missing}; available: {dio.observables(ds)}")
    fig, axes = plt.subplots(len(names), 1, figsize=(7, 2.2 * len(names) + 0.6), sharex=True, squeeze=False)
    sessions = dio.session_times(ds)
    for ax, name in zip(axes[:, 0], names):
        var = ds[name]
        ax.plot(ds[var.dims[0]].values, var.values, lw=1.5)
        for t in sessions:
            ax.axvline(t, color="0.5", ls="--", lw=0.8)
        # Long names are long: they go in the panel title, the units on the axis.
        ax.set_title(var.attrs.get("long_name", name), fontsize=9, loc="left")
        ax.set_ylabel(f"{name}\n[{var.attrs.get('units', '')}]", fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(dio.label(ds[ds[names[0]].dims[0]]))
    fig.suptitle(dio.title_of(ds, a.file), fontsize=9)
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
