"""kill -9 at random times while the real writer appends frames (20 trials): every time, the
file opens (as a SWMR reader, and with every tool after `h5clear -s --increment`), it holds at least every
frame the writer reported as flushed, and every frame it holds has exactly the known values."""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dermis_sample as ds  # noqa: E402

TRIALS = 20
FIELD = "fibroblasts"
FIELD_INDEX = 5


def committed_frames(stdout_text):
    lines = [ln for ln in stdout_text.splitlines() if ln.startswith("committed ")]
    return int(lines[-1].split()[1]) if lines else 0


def check_frames(f, dims, committed):
    """Checks every frame the time axis lists; returns the frame count."""
    n = f["time"].shape[0]
    assert n >= committed, f"lost flushed frames: file has {n}, writer committed {committed}"
    np.testing.assert_array_equal(f["time"][:n], ds.FRAME_DAYS * np.arange(n))
    var = f[FIELD]
    for k in range(min(n, var.shape[0])):
        np.testing.assert_allclose(var[k], ds.field_value(FIELD_INDEX, k, dims), rtol=1e-13)
    return n


def trial(tmp, i, rng):
    import h5py
    import xarray as xr

    dims = 2 if i % 2 == 0 else 3
    path = os.path.join(tmp, f"kill{i}.nc")
    proc = subprocess.Popen([ds.writer(), path, "--dims", str(dims), "--frames", "100000", "--sleep-ms", "20"],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    committed = committed_frames(out)
    if not os.path.exists(path):
        return 0, committed  # killed before the file was created
    try:
        f = h5py.File(path, "r", libver="latest", swmr=True)
    except OSError:
        # Killed while the file was being set up (before SWMR writing started): no frame was
        # ever committed, so nothing is lost (`dermis run` writes under a temporary name then).
        assert committed == 0, f"unreadable file after {committed} committed frames"
        return 0, committed
    with f:
        n = check_frames(f, dims, committed)
    subprocess.run(["h5clear", "-s", "--increment", path], check=True)
    with h5py.File(path, "r") as f:
        assert check_frames(f, dims, committed) == n
    if n > 0:
        with xr.open_dataset(path, engine="netcdf4") as x:
            assert x.sizes["time"] >= committed
    return n, committed


def main():
    if not shutil.which("h5clear"):
        print("SKIP: h5clear (hdf5-tools) not installed")
        return
    rng = random.Random(20261121)
    tmp = tempfile.mkdtemp(prefix="dermis_kill_")
    for i in range(TRIALS):
        n, committed = trial(tmp, i, rng)
        print(f"trial {i}: {n} frames in file, {committed} reported committed")
    print(f"{TRIALS} kill -9 trials OK")


if __name__ == "__main__":
    main()
