#!/usr/bin/env python3
"""Heat map of one observable statistic over two varied keys of a grid sweep (replicate mean),
e.g. the final collagen change over needle depth x session spacing. Further varied keys must be
fixed with --at KEY=VALUE. Each cell is annotated with its value (and +- the replicate standard
deviation when there are replicates); failed cells are hatched."""
import argparse

import numpy as np
import sweep_plot as sp
from sweep_plot import plt


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("summary", help="DIR/summary.nc of a grid sweep (or DIR)")
    p.add_argument("--var", required=True, help="statistic, e.g. collagen_change_pct_dermis_final")
    p.add_argument("--x", help="varied key on the x axis (netCDF name, e.g. treatment_session_interval_days)")
    p.add_argument("--y", help="varied key on the y axis (default: the first varied key)")
    p.add_argument("--at", action="append", default=[], help="KEY=VALUE for every other varied key")
    p.add_argument("--cmap", default="viridis")
    p.add_argument("-o", "--output", required=True, help="figure file: .png, .svg or .pdf")
    a = p.parse_args(argv)

    grid = sp.open_summary(a.summary, group="grid")
    keys = list(sp.require(grid, a.var + "_mean").dims)
    if len(keys) < 2:
        raise SystemExit("a heat map needs two varied keys (use sweep_lines.py for one)")
    y = a.y or keys[0]
    x = a.x or next(k for k in keys if k != y)
    fixed = dict(s.split("=", 1) for s in a.at)
    mean, std = grid[a.var + "_mean"], grid[a.var + "_std"]
    sel = {k: float(v) for k, v in fixed.items()}
    others = [k for k in keys if k not in (x, y) and k not in sel]
    if others:
        raise SystemExit(f"fix the other varied keys with --at: {', '.join(f'{k}=VALUE' for k in others)} "
                         f"(values: {', '.join(str(grid[k].values.tolist()) for k in others)})")
    mean = mean.sel(sel, method="nearest").transpose(y, x)
    std = std.sel(sel, method="nearest").transpose(y, x)

    fig, ax = plt.subplots(figsize=(1.3 * mean.sizes[x] + 2.5, 1.0 * mean.sizes[y] + 1.8))
    m = np.ma.masked_invalid(mean.values)
    im = ax.imshow(m, origin="lower", cmap=a.cmap, aspect="auto")
    for (i, j), v in np.ndenumerate(mean.values):
        if np.isfinite(v):
            s = std.values[i, j]
            text = f"{v:.3g}" + (f"\n±{s:.2g}" if np.isfinite(s) else "")
            rgba = im.cmap(im.norm(v))
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="white" if sum(rgba[:3]) < 1.5 else "black")
        else:
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="xx", color="0.5"))
            ax.text(j, i, "failed", ha="center", va="center", fontsize=7, color="0.3")
    ax.set_xticks(range(mean.sizes[x]), [f"{v:g}" for v in grid[x].values])
    ax.set_yticks(range(mean.sizes[y]), [f"{v:g}" for v in grid[y].values])
    ax.set_xlabel(sp.key_label(grid[x], x))
    ax.set_ylabel(sp.key_label(grid[y], y))
    fig.colorbar(im, ax=ax, label=sp.short_label(grid[a.var + "_mean"], a.var))
    reps = grid.sizes.get("replicate", 1)
    title = sp.wrapped_title(grid[a.var + "_mean"], 60) + (f" (± std over {reps} replicates)" if reps > 1 else "")
    if sel:
        title += "\n" + ", ".join(f"{k} = {v:g}" for k, v in sel.items())
    ax.set_title(title, fontsize=9)
    sp.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    main()
