"""The output holds its data and little else (issue 13): measured with `h5stat -S`, the space
that is neither metadata nor raw data (dead space left by appends, untracked free space) stays
below a small constant however many rows are appended, and output.compression takes effect.
The default scenario's ratio (file <= 1.2 x raw data) is checked by test_heavy_output_size.py."""
import os
import re
import shutil
import subprocess
import sys

import h5py

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dermis_e2e import config, run  # noqa: E402

TINY = ("run.dx_mm=0.1", "output.interval_days=0.5")
DEAD_SPACE_MAX = 48 * 1024  # bytes: attribute rewrites at close, aggregator leftovers


def h5stat(path):
    """{'metadata', 'raw', 'free', 'unaccounted', 'total'} in bytes from h5stat -S."""
    out = subprocess.run(["h5stat", "-S", path], capture_output=True, text=True, check=True).stdout
    grab = lambda pattern: int(re.search(pattern, out).group(1))  # noqa: E731
    return {"metadata": grab(r"File metadata: (\d+) bytes"), "raw": grab(r"Raw data: (\d+) bytes"),
            "free": grab(r"tracked free space: (\d+) bytes"), "unaccounted": grab(r"Unaccounted space: (\d+) bytes"),
            "total": grab(r"Total space: (\d+) bytes")}


def main():
    if not shutil.which("h5stat"):
        print("SKIP: h5stat (hdf5-tools) is not installed")
        return
    sizes = {}
    for days, rows_per_day in ((2, 20), (8, 20)):
        out = run(config("demo.ini"), f"size_{days}.nc", *TINY, f"run.t_end_days={days}",
                  f"output.observables_interval_days={1 / rows_per_day}")
        s = h5stat(out)
        dead = s["free"] + s["unaccounted"]
        print(f"t_end {days} d: {s}")
        assert s["total"] == os.path.getsize(out)
        assert dead <= DEAD_SPACE_MAX, f"{dead} bytes of dead space"
        sizes[days] = s
    # 4x the rows: the dead space must not grow with them (it grew 14x before issue 13).
    grow = (sizes[8]["free"] + sizes[8]["unaccounted"]) - (sizes[2]["free"] + sizes[2]["unaccounted"])
    assert grow <= 8 * 1024, f"dead space grew by {grow} bytes with the appended rows"
    plain = run(config("demo.ini"), "size_plain.nc", *TINY, "run.t_end_days=2", "output.compression=0")
    with h5py.File(plain, "r") as f:
        assert f["collagen_I"].compression is None and f.attrs["output_compression"] == 0
    assert h5stat(plain)["raw"] > sizes[2]["raw"], "compression=0 should store more raw bytes"
    print("output size OK")


if __name__ == "__main__":
    main()
