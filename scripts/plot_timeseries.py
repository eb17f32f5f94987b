#!/usr/bin/env python3
"""Plots observable time series of a dermis output with the microneedling sessions marked.
Without --vars: the headline outcomes (collagen and elastin change, collagen I/III ratio,
stiffness, inflammation, the cells that drive repair, barrier, and lesion fill or topical
delivery when the run has them). --vars takes observable names: a per-region name such as
collagen_change_pct_dermis, or a variable such as collagen_change_pct (all its regions)."""
import argparse
import sys

import dermis_io as dio
import matplotlib.pyplot as plt
import numpy as np

DERMAL = ("papillary_dermis", "reticular_dermis", "dermis")
# The curated default: (variable, panel title, regions drawn; () = a scalar series).
HEADLINE = [
    ("collagen_change_pct", "Collagen I + III vs baseline", DERMAL),
    ("elastin_change_pct", "Elastin vs baseline", DERMAL),
    ("collagen_ratio_I_III", "Collagen I / III ratio", ("dermis",)),
    ("stiffness_change_pct", "Dermal stiffness proxy vs baseline", ()),
    ("inflammation_index", "Inflammation index", ()),
    ("neutrophils_mean", "Neutrophils (dermis mean)", ("dermis",)),
    ("macrophages_mean", "Inflammatory macrophages (dermis mean)", ("dermis",)),
    ("fibroblasts_mean", "Fibroblasts (dermis mean)", ("dermis",)),
    ("myofibroblasts_mean", "Myofibroblasts (dermis mean)", ("dermis",)),
    ("barrier_open_fraction", "Open stratum corneum (surface fraction)", ()),
    ("lesion_fill_pct", "Lesion collagen deficit refilled", ()),
    ("topical_enhancement", "Topical dose vs intact skin", ()),
]
# Axis text of units (mm-3 is a cell density: "cells" is not a UDUNITS unit, docs/output.md).
UNIT_TEXT = {"percent": "[%]", "mm-3": "[cells mm$^{-3}$]"}
REGION_STYLE = {"dermis": ("k", "-", "whole dermis"), "papillary_dermis": ("tab:red", "--", "papillary"),
                "reticular_dermis": ("tab:blue", ":", "reticular"), "epidermis": ("tab:green", "-.", "epidermis")}


def informative(values):
    """False for a series that is all NaN or constant zero (e.g. no topical product)."""
    v = np.asarray(values, dtype=float)
    return np.isfinite(v).any() and np.nanmax(np.abs(v)) > 0


def default_panels(obs):
    panels = []
    for name, title, regions in HEADLINE:
        if name not in obs.data_vars:
            continue
        var = obs[name]
        lines = [(r, var.sel(region=r)) for r in regions] if regions else [(None, var)]
        lines = [(r, v) for r, v in lines if informative(v.values)]
        if lines:
            panels.append((title, var.attrs.get("units", ""), lines))
    return panels


def requested_panels(obs, names):
    panels = []
    for name in names:
        if name in obs.data_vars and "region" in obs[name].dims:
            var = obs[name]
            lines = [(r, var.sel(region=r)) for r in dio.region_names(obs)]
        else:
            var = dio.observable(obs, name)
            if var is None:
                sys.exit(f"dermis: unknown observable '{name}'; available: {', '.join(dio.flat_names(obs))}")
            lines = [(var.attrs.get("region"), var)]
        panels.append((var.attrs.get("long_name", name), var.attrs.get("units", ""), lines))
    return panels


def mark_sessions(ax, sessions, top):
    for i, t in enumerate(sessions):
        ax.axvline(t, color="tab:purple", lw=0.8, ls=(0, (2, 2)), alpha=0.8)
        if top:
            ax.annotate(f"S{i + 1}", xy=(t, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2),
                        textcoords="offset points", ha="left", va="top", fontsize=7, color="tab:purple")


def draw(panels, t, sessions, title):
    ncol = 2 if len(panels) > 3 else 1
    nrow = -(-len(panels) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.2 * ncol, 2.1 * nrow + 0.5), sharex=True, squeeze=False,
                             constrained_layout=True)
    for k, ax in enumerate(axes.flat):
        if k >= len(panels):
            ax.set_visible(False)
            continue
        name, units, lines = panels[k]
        for region, var in lines:
            color, style, text = REGION_STYLE.get(region, ("k", "-", region))
            ax.plot(t, np.asarray(var.values), color=color, ls=style, lw=1.4, label=text if region else None)
        if any(r for r, _ in lines) and len(lines) > 1:
            ax.legend(fontsize=7, frameon=False, loc="best")
        ax.set_title(name, fontsize=9, loc="left")
        if units not in ("", "1"):
            ax.set_ylabel(UNIT_TEXT.get(units, f"[{units}]"), fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.25)
        mark_sessions(ax, sessions, top=k < ncol)
        if k + ncol >= len(panels):
            ax.set_xlabel("time since the start of the run [day]", fontsize=8)
            ax.xaxis.set_tick_params(labelbottom=True)
    fig.suptitle(title, fontsize=9)
    return fig


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--vars", default="", help="comma-separated observables (default: the headline set)")
    dio.add_common_arguments(p)
    a = p.parse_args(argv)
    obs = dio.open_observables(a.file, a.live)
    names = dio.parse_list(a.vars)
    panels = requested_panels(obs, names) if names else default_panels(obs)
    if not panels:
        sys.exit("dermis: no observables to plot")
    root = dio.open_dataset(a.file, a.live)
    fig = draw(panels, np.asarray(obs["time"].values), dio.session_times(a.file, a.live),
               f"{dio.title_of(root, a.file)}; dotted lines S1, S2, ...: sessions")
    dio.save(fig, a.output)


if __name__ == "__main__":
    main()
