#!/usr/bin/env python3
"""Compares one observable (or the lateral+depth mean of a field) across several runs on one
figure, one line per run."""
import argparse
import os

import dermis_io as dio
import matplotlib.pyplot as plt


def series(path, live, name):
    obs = dio.open_observables(path, live)
    var = dio.observable(obs, name)
    if var is not None:
        return obs["time"].values, var.values, var
    ds = dio.open_dataset(path, live)
    if name in dio.fields(ds):
        var = ds[name]
        mean = var.mean(dim=[d for d in var.dims if d != dio.FIELD_TIME], keep_attrs=True)
        return ds[dio.FIELD_TIME].values, mean.values, var
    raise SystemExit(f"dermis: {path}: '{name}' is neither an observable nor a field; observables: "
                     f"{', '.join(dio.flat_names(obs))}")


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
        t, y, var = series(path, a.live, a.var)
        ax.plot(t, y, label=lab)
    ax.set_xlabel("time since the start of the run [day]")
    ax.set_ylabel(dio.label(var, a.var))
    ax.legend()
    ax.grid(alpha=0.3)
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
