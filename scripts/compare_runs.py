#!/usr/bin/env python3
"""Compares one observable (or the lateral+depth mean of a field) across several runs on one
figure, one line per run."""
import argparse
import os

import dermis_io as dio
import matplotlib.pyplot as plt


def series(ds, name):
    var = ds[name]
    if var.dims == (dio.OBS_TIME,):
        return ds[dio.OBS_TIME].values, var.values, var
    if name in dio.fields(ds):
        mean = var.mean(dim=[d for d in var.dims if d != dio.FIELD_TIME], keep_attrs=True)
        return ds[dio.FIELD_TIME].values, mean.values, var
    raise SystemExit(f"'{name}' is neither an observable nor a field")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("files", nargs="+", help="dermis outputs (.nc)")
    p.add_argument("--var", required=True, help="observable (or field: domain mean) to compare")
    p.add_argument("--labels", default="", help="comma-separated legend labels (default: file names)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    labels = dio.parse_list(a.labels) or [os.path.basename(f) for f in a.files]
    fig, ax = plt.subplots(figsize=(7, 4))
    var = None
    for path, lab in zip(a.files, labels):
        ds = dio.open_dataset(path, a.live)
        if a.var not in ds.data_vars:
            raise SystemExit(f"{path}: no variable '{a.var}'")
        t, y, var = series(ds, a.var)
        ax.plot(t, y, label=lab)
        ax.set_xlabel(dio.label(ds[var.dims[0]]))
    ax.set_ylabel(dio.label(var, a.var))
    ax.legend()
    ax.grid(alpha=0.3)
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
