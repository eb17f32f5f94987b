"""The output opens in h5py, xarray (h5netcdf and netcdf4 engines), netCDF4 and ncdump, with the
documented layout and exact values; ParaView reads the XDMF sidecar when pvpython exists."""
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dermis_sample as ds  # noqa: E402

DIMS = {1: ("time", "z"), 2: ("time", "z", "x"), 3: ("time", "z", "y", "x")}


def check_h5py(path, d, frames):
    import h5py

    with h5py.File(path, "r") as f:
        assert f.attrs["Conventions"] == b"CF-1.8" or f.attrs["Conventions"] == "CF-1.8"
        assert f.attrs["run_status"] in (b"completed", "completed")
        fib = f["fibroblasts"]
        assert [dim.keys()[0] for dim in fib.dims] == list(DIMS[d])
        assert fib.compression == "gzip" and fib.shuffle and np.isnan(fib.fillvalue)
        assert "time_obs" not in f  # one T axis per group
        g = f["observables"]
        assert g["inflammation_index"].dims[0].keys() == ["time"]
        assert [d.keys()[0] for d in g["collagen_change_pct"].dims] == ["time", "region"]
        assert [r.decode() if isinstance(r, bytes) else r for r in g["region"][:]] == [
            "epidermis", "papillary_dermis", "reticular_dermis", "dermis"]
        assert "units" not in f["sessions/session_device"].attrs
        assert f["layer"].attrs["flag_meanings"] in (b"stratum_corneum epidermis papillary_dermis reticular_dermis "
                                                     b"hypodermis", "stratum_corneum epidermis papillary_dermis "
                                                     "reticular_dermis hypodermis")
        s = 5  # fibroblasts is field 5 of the registry
        for k in range(frames):
            np.testing.assert_allclose(fib[k], ds.field_value(s, k, d), rtol=1e-13)
        assert f["z"].attrs["positive"] in (b"down", "down")


def check_xarray(path, d, frames):
    import xarray as xr

    for engine in ("h5netcdf", "netcdf4"):
        with xr.open_dataset(path, engine=engine) as x:
            assert x["collagen_I"].dims == DIMS[d], (engine, x["collagen_I"].dims)
            assert x["time"].dtype == np.float64 and x.sizes["time"] == frames
            assert x["collagen_I"].attrs["units"] == "mg cm-3"
            np.testing.assert_allclose(x["time"].values, ds.FRAME_DAYS * np.arange(frames))
            assert x.attrs["config.run.dims"] == d  # numeric, not a string
            assert "time_obs" not in x.dims and "session" not in x.dims  # one T axis, fields only
            assert x.to_dataframe().shape[0] == frames * x["collagen_I"][0].size
        with xr.open_dataset(path, engine=engine, group="observables") as o:
            assert o.sizes["time"] == frames * ds.OBS_PER_FRAME and o.sizes["region"] == 4
            assert o["time"].attrs["axis"] == "T"
            got = o["collagen_change_pct"].sel(region="dermis").values
            np.testing.assert_allclose(got, ds.observable_value(3, np.arange(frames * ds.OBS_PER_FRAME)))
            assert o.to_dataframe().shape[0] == frames * ds.OBS_PER_FRAME * 4
        with xr.open_dataset(path, engine=engine, group="sessions") as s:
            assert list(s["session_device"].values) == ["dermapen", "dermapen", "dermaroller"]


def check_cf_rules(path):
    """The CF rules the file relies on (Debian has no CF checker; docs/output.md lists them and
    the deviations): in every group, each dimension has a coordinate variable or is a pure
    dimension, at most one T axis, numeric variables carry units and long_name (a flag variable
    carries flag_values/flag_meanings instead of units), string variables carry no units, and
    _FillValue has the variable's type."""
    import h5netcdf

    with h5netcdf.File(path, "r") as f:
        groups = [f] + [f[g] for g in f.groups]
        assert sorted(f.groups) == ["observables", "sessions"], list(f.groups)
        for g in groups:
            t_axes = [n for n, v in g.variables.items() if v.attrs.get("axis") == "T"]
            assert len(t_axes) <= 1, (g.name, t_axes)
            for name, v in g.variables.items():
                where = f"{g.name}/{name}"
                if v.dtype.kind in "OSU":
                    assert "units" not in v.attrs, where
                    continue
                assert "long_name" in v.attrs, where
                if "flag_values" in v.attrs:
                    assert len(v.attrs["flag_values"]) == len(v.attrs["flag_meanings"].split()), where
                    assert "units" not in v.attrs, where
                elif name != "session":  # the pure dimension "session" is not a netCDF variable
                    assert "units" in v.attrs, where
                if "_FillValue" in v.attrs:
                    assert np.asarray(v.attrs["_FillValue"]).dtype == v.dtype, where
                for d in v.dimensions:
                    assert d in g.dimensions or d in f.dimensions, (where, d)


def check_ncdump(path):
    if not shutil.which("ncdump"):
        print("SKIP ncdump: not installed")
        return
    out = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True, check=True).stdout
    assert "time = UNLIMITED" in out and "group: observables" in out and ':Conventions = "CF-1.8"' in out
    assert "region = 4" in out and "byte layer(" in out


def check_float32_subset(tmp):
    import xarray as xr

    path = ds.make(os.path.join(tmp, "f32.nc"), 2, 3, ("--float32", "--subset"))
    with xr.open_dataset(path, engine="netcdf4") as x:
        assert x["damage"].dtype == np.float32
        assert "alarmins" not in x  # odd fields are left out by --subset
        np.testing.assert_allclose(x["damage"].values[2], ds.field_value(0, 2, 2), rtol=1e-6)


def check_paraview(path, d, frames):
    """Opens the XDMF sidecar with ParaView's default reader, by a bare file name from its own
    directory and by an absolute path from elsewhere, and checks the last frame of fibroblasts
    against h5py: cell count, value range, and orientation (the first cell is the top-left voxel,
    at the skin surface: elevation 0 at the top, depth below it), then renders the state script
    to a PNG when xvfb-run is there."""
    pvpython = shutil.which("pvpython")
    if not pvpython:
        print("SKIP ParaView: pvpython is not installed (Debian: apt-get install paraview python3-paraview)")
        return
    xmf = os.path.abspath(path[:-3] + ".xmf")
    code = ("import sys\n"
            "from paraview.simple import *\n"
            "from paraview import servermanager\n"
            "r = OpenDataFile(sys.argv[1])\n"
            "r.UpdatePipelineInformation()\n"
            "print('STEPS', len(r.TimestepValues))\n"
            "r.UpdatePipeline(r.TimestepValues[-1])\n"
            "print('CELLS', r.GetDataInformation().GetNumberOfCells())\n"
            "lo, hi = r.CellData['fibroblasts'].GetRange()\n"
            "print('RANGE %.17g %.17g' % (lo, hi))\n"
            "g = servermanager.Fetch(r)\n"
            "g = g.GetBlock(0) if g.IsA('vtkMultiBlockDataSet') else g\n"
            "print('CELL0 %.17g' % g.GetCellData().GetArray('fibroblasts').GetValue(0), "
            "*('%.6g' % v for v in g.GetCell(0).GetBounds()))\n"
            "print('BOUNDS', *('%.6g' % v for v in g.GetBounds()))\n")
    with h5py.File(path, "r") as f:
        last = f["fibroblasts"][-1]
        depth = f["z"].size * float(f.attrs["grid_dx_mm"])
        dx = float(f.attrs["grid_dx_mm"])
    for cwd, name in ((os.path.dirname(xmf), os.path.basename(xmf)), ("/", xmf)):
        out = subprocess.run([pvpython, "-c", code, name], capture_output=True, text=True, timeout=300, cwd=cwd).stdout
        assert f"STEPS {frames}" in out, out
        assert f"CELLS {last.size}" in out, out
        lo, hi = (float(v) for v in out.split("RANGE")[1].split()[:2])
        np.testing.assert_allclose([lo, hi], [last.min(), last.max()], rtol=1e-12)
        cell0 = [float(v) for v in out.split("CELL0")[1].split()[:7]]
        assert cell0[0] == last.flat[0], (cell0, last.flat[0])  # the top-left voxel...
        elevation = cell0[5:7] if d == 3 else cell0[3:5]       # ...lies at the surface: [-dx, 0]
        np.testing.assert_allclose(elevation, [-dx, 0.0], atol=1e-6)
        bounds = [float(v) for v in out.split("BOUNDS")[1].split()[:6]]
        np.testing.assert_allclose(bounds[4:6] if d == 3 else bounds[2:4], [-depth, 0.0], atol=1e-6)
    print(f"ParaView: {frames} steps, {last.size} cells, values and orientation match h5py "
          "(bare name and absolute path)")
    render_paraview_state(path)


def render_paraview_state(path):
    """The state script renders a PNG headless (xvfb-run + pvpython), if both are installed."""
    if not shutil.which("xvfb-run"):
        print("SKIP ParaView screenshot: xvfb-run is not installed")
        return
    png = path[:-3] + "_pv.png"
    for attempt in range(3):  # xvfb-run -a can lose a race for a display number under load
        proc = subprocess.run(["xvfb-run", "-a", "pvpython", os.path.join(ds.SCRIPTS, "paraview_state.py"), path,
                               "--field", "fibroblasts", "--png", png, "--size", "600,450"],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode == 0:
            break
    assert proc.returncode == 0 and os.path.getsize(png) > 5000, proc.stderr[-2000:]
    import matplotlib.image as mpimg

    image = mpimg.imread(png)
    assert image.shape[:2] == (450, 600) and image[..., :3].std() > 0.05  # not a blank frame
    print(f"ParaView screenshot: {png}")


def main():
    tmp = tempfile.mkdtemp(prefix="dermis_readers_")
    frames = 5
    for d in (1, 2, 3):
        path = ds.make(os.path.join(tmp, f"run{d}d.nc"), d, frames)
        check_h5py(path, d, frames)
        check_xarray(path, d, frames)
        check_ncdump(path)
        check_cf_rules(path)
        check_paraview(path, d, frames)
    check_float32_subset(tmp)
    print("readers OK")


if __name__ == "__main__":
    main()
