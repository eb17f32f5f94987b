#!/usr/bin/env python3
"""Animates one field over the course of a run: an x-z section (3-D: middle y slice) or, for
1-D runs, the depth profile. Writes GIF (Pillow) or MP4 (ffmpeg) by extension."""
import argparse
import os
import sys

import dermis_io as dio
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("file", help="dermis output (.nc)")
    p.add_argument("--field", required=True, help="field name, e.g. damage")
    p.add_argument("--fps", type=int, default=5, help="frames per second (default 5)")
    p.add_argument("-o", "--output", required=True, help="animation file: .gif or .mp4")
    p.add_argument("--live", action="store_true", help="open with SWMR (the run is still writing)")
    a = p.parse_args(argv)
    ext = os.path.splitext(a.output)[1].lower()
    if ext not in (".gif", ".mp4"):
        sys.exit(f"dermis: {a.output}: unsupported animation format '{ext}'; use .gif or .mp4")
    ds = dio.open_dataset(a.file, a.live)
    var = dio.section(dio.require_field(ds, a.field))
    t = ds["time"].values
    data = np.asarray(var.values)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    if "x" in var.dims:
        art = ax.pcolormesh(ds["x"].values, ds["z"].values, data[0], shading="nearest",
                            vmin=np.nanmin(data), vmax=np.nanmax(data))
        ax.set_xlabel(dio.label(ds["x"]))
        fig.colorbar(art, ax=ax, label=dio.label(ds[a.field], a.field))
        update = lambda k: art.set_array(data[k].ravel())  # noqa: E731
    else:
        (art,) = ax.plot(data[0], ds["z"].values)
        ax.set_xlim(np.nanmin(data), np.nanmax(data) * 1.05 + 1e-30)
        ax.set_xlabel(dio.label(ds[a.field], a.field))
        update = lambda k: art.set_xdata(data[k])  # noqa: E731
    ax.invert_yaxis()
    ax.set_ylabel(dio.label(ds["z"]))

    def draw(k):
        update(k)
        ax.set_title(f"{a.field}, day {t[k]:g}")
        return (art,)

    anim = animation.FuncAnimation(fig, draw, frames=len(t), blit=False)
    if ext == ".mp4" and not animation.FFMpegWriter.isAvailable():
        sys.exit("dermis: .mp4 needs ffmpeg (sudo apt-get install ffmpeg); or write a .gif")
    writer = animation.FFMpegWriter(fps=a.fps) if ext == ".mp4" else animation.PillowWriter(fps=a.fps)
    anim.save(a.output, writer=writer)
    plt.close(fig)


if __name__ == "__main__":
    main()
