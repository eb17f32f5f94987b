#!/usr/bin/env python3
"""End-to-end guarantees of `dermis run` (heavy tier): bitwise determinism across thread counts,
bitwise restart from a checkpoint (odd split point, across a session), kill -9 leaving a readable
file with intact frames, and every scenario in configs/ running at reduced size."""
import configparser
import glob
import os
import random
import shutil
import signal
import subprocess
import time
import unittest

import h5py
import numpy as np

from dermis_e2e import DERMIS, WORK, attr, config, run

DEMO = config("demo.ini")
SHORT = ("run.t_end_days=9", "output.interval_days=1", "treatment.session_days=0,5")


def datasets(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][:] for k in f if isinstance(f[k], h5py.Dataset) and not k.startswith("session")}


class Determinism(unittest.TestCase):
    def test_bitwise_identical_for_1_and_2_threads(self):
        one = datasets(run(DEMO, "threads1.nc", *SHORT, threads=1))
        two = datasets(run(DEMO, "threads2.nc", *SHORT, threads=2))
        self.assertEqual(one.keys(), two.keys())
        for k in one:
            self.assertTrue(np.array_equal(one[k], two[k], equal_nan=True), k)


class Restart(unittest.TestCase):
    def test_restart_is_bitwise_identical_to_an_uninterrupted_run(self):
        # Checkpoints every 3.7 days: at 3.7 (kept as .prev) and 7.4. Restarting from day 3.7
        # crosses the session at day 5 and resumes mid-interval between frames.
        ckpt = ("output.checkpoint_interval_days=3.7",)
        full = run(DEMO, "full.nc", *SHORT, *ckpt)
        self.assertTrue(os.path.exists(full + ".ckpt.prev"))
        resumed = os.path.join(WORK, "resumed.nc")
        shutil.copy(full, resumed)
        shutil.copy(full + ".ckpt.prev", os.path.join(WORK, "day3.7.ckpt"))
        run(DEMO, "resumed.nc", *SHORT, *ckpt, restart=os.path.join(WORK, "day3.7.ckpt"))
        a, b = datasets(full), datasets(resumed)
        self.assertEqual(a.keys(), b.keys())
        for k in a:
            self.assertTrue(np.array_equal(a[k], b[k], equal_nan=True), k)
        self.assertEqual(attr(resumed, "run_status"), "completed")

    def test_checkpoint_of_another_configuration_is_refused(self):
        run(DEMO, "base.nc", *SHORT, "output.checkpoint_interval_days=3")
        other = subprocess.run([DERMIS, "run", DEMO, "-o", os.path.join(WORK, "other.nc"), "--quiet",
                                *sum((["--set", s] for s in SHORT), []), "--set", "device.depth_mm=0.5",
                                "--set", "output.checkpoint_interval_days=3",
                                "--restart", os.path.join(WORK, "base.nc.ckpt")], capture_output=True, text=True)
        self.assertNotEqual(other.returncode, 0)
        self.assertEqual(len(other.stderr.strip().splitlines()), 1, other.stderr)


class Kill(unittest.TestCase):
    def test_kill_9_keeps_every_flushed_frame(self):
        rng = random.Random(7)
        for trial in range(5):
            out = os.path.join(WORK, f"killed{trial}.nc")
            proc = subprocess.Popen([DERMIS, "run", DEMO, "-o", out, "--quiet"], stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 2.0))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if not os.path.exists(out):
                continue
            subprocess.run(["h5clear", "-s", "--increment", out], check=True, capture_output=True)
            with h5py.File(out, "r") as f:
                t = f["time"][:]
                # Frame 0 is the baseline at t = 0, the injured state of the day-0 session follows
                # at the same time; every later frame is later.
                self.assertTrue(t.size == 0 or t[0] == 0.0)
                self.assertTrue(np.all(np.diff(t[1:]) > 0))
                for name in ("fibroblasts", "collagen_I", "damage"):
                    frames = f[name][:]
                    self.assertEqual(frames.shape[0], t.size)
                    self.assertTrue(np.all(np.isfinite(frames)), name)


def first_session_only(cfg):
    """The override that keeps only a scenario's first session: a 2-day run may not list sessions
    after its end (they would never take effect, so `dermis run` refuses them)."""
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read(cfg)
    if cp.has_option("treatment", "session_count"):
        return ("treatment.session_count=1",)
    days = cp.get("treatment", "session_days", fallback="").split(",")
    return ("treatment.session_days=" + days[0].strip(),) if days[0].strip() else ()


class Scenarios(unittest.TestCase):
    def test_every_scenario_runs_at_reduced_size(self):
        for cfg in sorted(glob.glob(config("*.ini"))):
            name = os.path.basename(cfg)
            with self.subTest(scenario=name):
                out = run(cfg, "scenario_" + name.replace(".ini", ".nc"), "run.t_end_days=2",
                          "output.interval_days=1", "output.checkpoint_interval_days=0", *first_session_only(cfg))
                self.assertEqual(attr(out, "run_status"), "completed")
                with h5py.File(out, "r") as f:
                    self.assertEqual(f["time"][-1], 2.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
