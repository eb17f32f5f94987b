"""Every run starts with the untreated baseline (issue 13): frame 0 and observable row 0 at
t = 0, before the first session, so every change from baseline starts at exactly 0; with a
session on day 0 the injured state follows at the same time, and with a later first session
t = 0 is written once."""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dermis_e2e import config, run  # noqa: E402

TINY = ("run.dx_mm=0.1", "output.interval_days=0.5", "output.observables_interval_days=0.25")


def read(path):
    with h5py.File(path, "r") as f:
        g = f["observables"]
        return f["time"][:], f["collagen_I"][:], g["time"][:], g["collagen_change_pct"][:], g["inflammation_index"][:]


def main():
    t, col, t_obs, change, inflammation = read(run(config("demo.ini"), "base0.nc", *TINY, "run.t_end_days=1"))
    assert t[0] == 0.0 and t[1] == 0.0 and np.all(np.diff(t[1:]) > 0), t
    assert t_obs[0] == 0.0 and t_obs[1] == 0.0, t_obs
    assert np.all(change[0] == 0.0) and inflammation[0] == 0.0  # the baseline row
    assert np.any(change[1] != 0.0) and not np.array_equal(col[0], col[1])  # the injured state
    assert len(t) == 4 and len(t_obs) == 6  # baseline + days 0, 0.5, 1 / baseline + 5 rows

    t, col, t_obs, change, _ = read(run(config("demo.ini"), "base2.nc", *TINY, "run.t_end_days=1",
                                        "treatment.session_days=0.5"))
    assert np.all(np.diff(t) > 0) and np.all(np.diff(t_obs) > 0), (t, t_obs)  # t = 0 once
    before = t_obs < 0.5
    assert before.sum() == 2 and np.all(change[before] == 0.0)  # rows at 0 and 0.25: untreated
    assert len(t) == 3  # 0 (baseline), 0.5 (after the session), 1
    print("baseline OK")


if __name__ == "__main__":
    main()
