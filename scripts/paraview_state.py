"""Opens a dermis run in ParaView the right way up: one field on a perceptual colour map, the
skin surface at the top, axes in mm, the camera facing the x-z section (3-D runs: a slice through
the middle of the patch). Run it with ParaView's Python:

    pvpython scripts/paraview_state.py OUT.nc [--field collagen_I] [--day 28] [--png view.png]
    paraview --script=scripts/paraview_state.py   (set DERMIS_RUN=OUT.nc in the environment)
    xvfb-run -a pvpython scripts/paraview_state.py OUT.nc --png view.png   (headless)

It opens the XDMF sidecar OUT.xmf by its absolute path, so it works from any directory.
"""
import argparse
import os
import sys


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", nargs="?", default=os.environ.get("DERMIS_RUN"), help="OUT.nc or OUT.xmf")
    p.add_argument("--field", default="collagen_I", help="cell array to colour by (default collagen_I)")
    p.add_argument("--day", type=float, default=None, help="time to show (default: the last frame)")
    p.add_argument("--png", default=None, help="save a screenshot here (PNG)")
    p.add_argument("--size", default="1000,700", help="screenshot size in pixels, W,H")
    a = p.parse_args(argv)
    if not a.run:
        p.error("give the run (OUT.nc) or set DERMIS_RUN")
    return a


def sidecar(path):
    path = os.path.abspath(path)
    xmf = path[:-3] + ".xmf" if path.endswith(".nc") else path
    if not os.path.exists(xmf):
        sys.exit(f"dermis: {xmf}: no XDMF sidecar (it is written next to the .nc by dermis run)")
    return xmf


def main(argv=None):
    a = parse(argv)
    try:
        from paraview import simple as pv
    except ImportError:
        sys.exit("dermis: run this with ParaView's Python: pvpython scripts/paraview_state.py OUT.nc "
                 "(Debian: sudo apt-get install paraview python3-paraview)")
    reader = pv.OpenDataFile(sidecar(a.run))
    reader.UpdatePipelineInformation()
    times = list(reader.TimestepValues) or [0.0]
    t = times[-1] if a.day is None else min(times, key=lambda v: abs(v - a.day))
    reader.UpdatePipeline(t)
    if a.field not in reader.CellData.keys():
        sys.exit(f"dermis: no field '{a.field}'; fields: {', '.join(reader.CellData.keys())}")
    x0, x1, y0, y1, z0, z1 = reader.GetDataInformation().GetBounds()
    three_d = z1 - z0 > 0 and y1 - y0 > 0
    view = pv.GetActiveViewOrCreate("RenderView")
    view.ViewSize = [int(v) for v in a.size.split(",")]
    view.ViewTime = t
    view.UseColorPaletteForBackground = 0
    view.Background = [1.0, 1.0, 1.0]
    view.OrientationAxesVisibility = 0
    source = reader
    if three_d:
        # The x-z section through the middle of the patch; elevation is +Z in 3-D runs.
        source = pv.Slice(Input=reader)
        source.SliceType.Origin = [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2]
        source.SliceType.Normal = [0.0, 1.0, 0.0]
        pv.Show(pv.Outline(Input=reader), view)
    display = pv.Show(source, view)
    pv.ColorBy(display, ("CELLS", a.field))
    lut = pv.GetColorTransferFunction(a.field)
    lut.ApplyPreset("Viridis (matplotlib)", True)
    display.RescaleTransferFunctionToDataRange(False, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = f"{a.field} (day {t:g})"
    bar.ComponentTitle = ""
    bar.TitleColor = bar.LabelColor = [0.1, 0.1, 0.1]
    display.SetScalarBarVisibility(view, True)
    grid = view.AxesGrid
    grid.Visibility = 1
    grid.XTitle = "x [mm]"
    grid.YTitle = "y [mm]" if three_d else "elevation [mm] (0 = skin surface)"
    grid.ZTitle = "elevation [mm] (0 = skin surface)"
    for name in ("XTitleColor", "YTitleColor", "ZTitleColor", "XLabelColor", "YLabelColor", "ZLabelColor",
                 "GridColor"):
        setattr(grid, name, [0.2, 0.2, 0.2])
    view.CameraFocalPoint = [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2]
    if three_d:  # look along +y at the x-z plane, elevation up
        view.CameraPosition = [(x0 + x1) / 2, y0 - 10 * (x1 - x0 + z1 - z0), (z0 + z1) / 2]
        view.CameraViewUp = [0.0, 0.0, 1.0]
    else:  # the section lies in the x-y plane with elevation along +y
        view.CameraPosition = [(x0 + x1) / 2, (y0 + y1) / 2, 10 * (x1 - x0 + y1 - y0)]
        view.CameraViewUp = [0.0, 1.0, 0.0]
    view.CameraParallelProjection = 1
    view.ResetCamera(False)
    pv.Render(view)
    if a.png:
        pv.SaveScreenshot(os.path.abspath(a.png), view, ImageResolution=view.ViewSize)
        print(f"dermis: wrote {os.path.abspath(a.png)}")


if __name__ == "__main__":
    main()
