#!/usr/bin/env python3
"""Sensitivity indices of observable statistics from a sensitivity sweep, as a table and a bar
chart: Sobol first-order (S1) and total (ST) indices with bootstrap confidence intervals from a
`design = saltelli` sweep, or Morris mu* and sigma from a `design = morris` sweep. Estimators:
scripts/sweep_stats.py (Saltelli 2010 / Jansen 1999; Morris 1991, Campolongo 2007)."""
import argparse
import sys

import numpy as np
import sweep_plot as sp
import sweep_stats as ss
from sweep_plot import plt


def sobol_panel(ax, ds, keys, var, n_boot):
    fA, fB, fAB, dropped = ss.saltelli_blocks(ds.design_block.values, ds.design_step.values, ds[var].values,
                                              len(keys))
    if len(fA) < 2:
        sys.exit(f"{var}: fewer than 2 complete base samples")
    r = ss.sobol_indices(fA, fB, fAB, n_boot=n_boot)
    pos = np.arange(len(keys))
    for off, name, color in ((-0.2, "S1", "tab:blue"), (0.2, "ST", "tab:orange")):
        err = np.array([r[name] - r[name + "_lo"], r[name + "_hi"] - r[name]])
        ax.bar(pos + off, r[name], 0.4, yerr=np.clip(err, 0, None), capsize=3, color=color,
               label={"S1": "first order S1", "ST": "total ST"}[name])
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("Sobol index (95 % bootstrap CI)")
    ax.set_title(f"{var}  (N = {len(fA)} base samples{f', {dropped} dropped' if dropped else ''})", fontsize=9)
    print(f"# {var}: Sobol indices, N = {len(fA)} base samples ({dropped} dropped), 95 % bootstrap CI")
    print(f"{'key':60s} {'S1':>8s} {'S1 CI':>19s} {'ST':>8s} {'ST CI':>19s}")
    for k, key in enumerate(keys):
        print(f"{key:60s} {r['S1'][k]:8.3f} [{r['S1_lo'][k]:7.3f},{r['S1_hi'][k]:7.3f}] "
              f"{r['ST'][k]:8.3f} [{r['ST_lo'][k]:7.3f},{r['ST_hi'][k]:7.3f}]")


def morris_panel(ax, ds, keys, var):
    u = ss.unit_coordinates(ds, keys)
    r = ss.morris_effects(ds.design_block.values, ds.design_step.values, u, ds[var].values)
    pos = np.arange(len(keys))
    ax.bar(pos - 0.2, r["mu_star"], 0.4, color="tab:blue", label="mu* (mean |effect|)")
    ax.bar(pos + 0.2, r["sigma"], 0.4, color="tab:gray", label="sigma (interaction / non-linearity)")
    ax.set_ylabel(f"effect per unit range [{ds[var].attrs.get('units', '')}]")
    ax.set_title(f"{var}  (Morris, {int(np.max(r['n']))} trajectories)", fontsize=9)
    print(f"# {var}: Morris elementary effects (per unit of the key's range)")
    print(f"{'key':60s} {'mu*':>10s} {'mu':>10s} {'sigma':>10s} {'n':>4s}")
    for k, key in enumerate(keys):
        print(f"{key:60s} {r['mu_star'][k]:10.4g} {r['mu'][k]:10.4g} {r['sigma'][k]:10.4g} {r['n'][k]:4d}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("summary", help="DIR/summary.nc of a saltelli or morris sweep (or DIR)")
    p.add_argument("--var", required=True, help="comma-separated statistics, e.g. "
                   "collagen_change_pct_dermis_final,downtime_days_final")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the Sobol CIs")
    p.add_argument("-o", "--output", required=True, help="figure file: .png, .svg or .pdf")
    a = p.parse_args(argv)

    ds = sp.open_summary(a.summary)
    design = ds.attrs.get("sweep_design")
    if design not in ("saltelli", "morris"):
        sys.exit(f"sensitivity indices need design = saltelli (Sobol) or morris (got {design})")
    keys = sp.varied_keys(ds)
    names = [v.strip() for v in a.var.split(",") if v.strip()]
    for v in names:
        sp.require(ds, v)
    fig, axes = plt.subplots(len(names), 1, figsize=(max(6, 1.1 * len(keys) + 2), 3.6 * len(names)), squeeze=False)
    for ax, var in zip(axes[:, 0], names):
        if design == "saltelli":
            sobol_panel(ax, ds, keys, var, a.bootstrap)
        else:
            morris_panel(ax, ds, keys, var)
        ax.set_xticks(np.arange(len(keys)), [k.replace("species_", "").replace("_", " ") for k in keys],
                      rotation=30, ha="right", fontsize=7)
        ax.legend(fontsize=7)
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    sp.save(fig, a.output)
    print(a.output)


if __name__ == "__main__":
    main()
