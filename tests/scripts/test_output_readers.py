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
        assert f["inflammation_index"].dims[0].keys() == ["time_obs"]
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
            assert x.sizes["time_obs"] == frames * ds.OBS_PER_FRAME
            assert x["collagen_I"].attrs["units"] == "mg cm-3"
            assert list(x["session_device"].values) == ["dermapen", "dermapen", "dermaroller"]
            np.testing.assert_allclose(x["time"].values, ds.FRAME_DAYS * np.arange(frames))
            assert "config.run.dims" in x.attrs


def check_ncdump(path):
    if not shutil.which("ncdump"):
        print("SKIP ncdump: not installed")
        return
    out = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True, check=True).stdout
    assert "time = UNLIMITED" in out and "time_obs = UNLIMITED" in out and ':Conventions = "CF-1.8"' in out


def check_float32_subset(tmp):
    import xarray as xr

    path = ds.make(os.path.join(tmp, "f32.nc"), 2, 3, ("--float32", "--subset"))
    with xr.open_dataset(path, engine="netcdf4") as x:
        assert x["damage"].dtype == np.float32
        assert "alarmins" not in x  # odd fields are left out by --subset
        np.testing.assert_allclose(x["damage"].values[2], ds.field_value(0, 2, 2), rtol=1e-6)


def check_paraview(path, frames):
    """Opens the XDMF sidecar with ParaView's default reader and compares the last frame of
    fibroblasts, cell by cell count and value range, with what h5py reads from the .nc file."""
    pvpython = shutil.which("pvpython")
    if not pvpython:
        print("SKIP ParaView: pvpython is not installed")
        return
    xmf = os.path.abspath(path[:-3] + ".xmf")
    code = ("from paraview.simple import *\n"
            f"r = OpenDataFile({xmf!r})\n"
            "r.UpdatePipelineInformation()\n"
            "print('STEPS', len(r.TimestepValues))\n"
            "r.UpdatePipeline(r.TimestepValues[-1])\n"
            "print('CELLS', r.GetDataInformation().GetNumberOfCells())\n"
            "lo, hi = r.CellData['fibroblasts'].GetRange()\n"
            "print('RANGE %.17g %.17g' % (lo, hi))\n")
    out = subprocess.run([pvpython, "-c", code], capture_output=True, text=True, timeout=300).stdout
    with h5py.File(path, "r") as f:
        last = f["fibroblasts"][-1]
    assert f"STEPS {frames}" in out, out
    assert f"CELLS {last.size}" in out, out
    lo, hi = (float(v) for v in out.split("RANGE")[1].split())
    np.testing.assert_allclose([lo, hi], [last.min(), last.max()], rtol=1e-12)
    print(f"ParaView: {frames} steps, {last.size} cells, fibroblasts range matches h5py")


def main():
    tmp = tempfile.mkdtemp(prefix="dermis_readers_")
    frames = 5
    for d in (1, 2, 3):
        path = ds.make(os.path.join(tmp, f"run{d}d.nc"), d, frames)
        check_h5py(path, d, frames)
        check_xarray(path, d, frames)
        check_ncdump(path)
        check_paraview(path, frames)
    check_float32_subset(tmp)
    print("readers OK")


if __name__ == "__main__":
    main()
