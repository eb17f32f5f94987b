#!/usr/bin/env python3
"""Line plot of one observable statistic over one varied key, with the spread over replicates
(mean +- standard deviation band and every replicate as a dot), one line per value of an
optional second key (--hue). Works for any design: points are grouped by their values."""
import argparse

import numpy as np
import sweep_plot as sp
from sweep_plot import plt


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("summary", help="DIR/summary.nc (or DIR)")
    p.add_argument("--var", required=True, help="statistic, e.g. collagen_change_pct_dermis_final")
    p.add_argument("--x", help="varied key on the x axis (default: the first varied key)")
    p.add_argument("--hue", help="varied key giving one line per value (default: the second, if any)")
    p.add_argument("--at", action="append", default=[], help="KEY=VALUE: keep only points with this value")
    p.add_argument("-o", "--output", required=True, help="figure file: .png, .svg or .pdf")
    a = p.parse_args(argv)

    ds = sp.open_summary(a.summary)
    keys = sp.varied_keys(ds)
    if not keys:
        raise SystemExit("the sweep varies no key (design = replicates): nothing to plot against")
    x = a.x or keys[0]
    hue = a.hue if a.hue is not None else next((k for k in keys if k != x), None)
    y = sp.require(ds, a.var)
    keep = np.ones(ds.sizes["point"], dtype=bool)
    for s in a.at:
        k, v = s.split("=", 1)
        keep &= np.isclose(sp.require(ds, k, "varied key").values.astype(float), float(v))
    xs = sp.require(ds, x, "varied key").values.astype(float)
    hs = ds[hue].values.astype(float) if hue else np.zeros_like(xs)
    ys = y.values.astype(float)

    fig, ax = plt.subplots(figsize=(7, 4.2))
    colors = plt.cm.viridis(np.linspace(0, 0.9, max(1, len(np.unique(hs[keep])))))
    for c, h in zip(colors, np.unique(hs[keep])):
        sel = keep & (hs == h)
        levels = np.unique(xs[sel])
        mean = np.array([np.nanmean(ys[sel & (xs == v)]) if np.any(np.isfinite(ys[sel & (xs == v)])) else np.nan
                         for v in levels])
        n = np.array([np.sum(np.isfinite(ys[sel & (xs == v)])) for v in levels])
        std = np.array([np.nanstd(ys[sel & (xs == v)], ddof=1) if k > 1 else 0.0 for v, k in zip(levels, n)])
        lab = f"{h:g}" if hue else None
        ax.plot(levels, mean, "-o", color=c, label=lab, ms=4)
        ax.fill_between(levels, mean - std, mean + std, color=c, alpha=0.2, lw=0)
        ax.plot(xs[sel], ys[sel], ".", color=c, alpha=0.5, ms=3)
    ax.set_xlabel(sp.key_label(ds[x], x))
    ax.set_ylabel(sp.short_label(y, a.var))
    reps = int(ds.attrs.get("sweep_replicates", 1))
    ax.set_title(sp.wrapped_title(y) + (f"\nmean ± std over {reps} replicates (dots: replicates)" if reps > 1 else ""),
                 fontsize=9)
    if hue:
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), title=sp.key_label(ds[hue], hue),
                  title_fontsize=8)
    ax.grid(alpha=0.3)
    sp.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    main()
