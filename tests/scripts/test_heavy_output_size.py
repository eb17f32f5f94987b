"""The default scenario's output is compact (issue 13): `h5stat -S` total <= 1.2 x raw data
(it was 68 MB for 1.7 MB of data before the time series were chunked for appending)."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dermis_e2e import config, run  # noqa: E402
from test_output_size import h5stat  # noqa: E402


def main():
    if not shutil.which("h5stat"):
        print("SKIP: h5stat (hdf5-tools) is not installed")
        return
    out = run(config("default.ini"), "default.nc", threads=2)
    s = h5stat(out)
    print(f"default scenario: {s}; total / raw = {s['total'] / s['raw']:.3f}")
    assert s["total"] <= 1.2 * s["raw"], s


if __name__ == "__main__":
    main()
