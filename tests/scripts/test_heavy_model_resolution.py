#!/usr/bin/env python3
"""Grid convergence of the healing outcomes (issue 10): one 1.5 mm pen session on the 2-D demo
section with stratified placement, at dx and dx/2. The channels and the plane that cuts them do
not depend on dx (docs/model.md, "Placement"), so the difference is discretisation error:
channel_fill_pct at day 14 and collagen_change_pct_dermis at the end must agree within 10 %
(relative). Heavy tier: the dx/2 run has four times the voxels."""
import unittest

import numpy as np

from dermis_e2e import config, observables, run

CASE = ("device.depth_mm=1.5", "run.t_end_days=28", "device.placement=stratified")


class Resolution(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.runs = {dx: observables(run(config("demo.ini"), f"res_{dx}.nc", *CASE, f"run.dx_mm={dx}"))
                    for dx in (0.04, 0.02)}

    def value(self, dx, name, day=None):
        t, obs = self.runs[dx]
        return obs[name][-1] if day is None else obs[name][int(np.argmin(abs(t - day)))]

    def assert_close(self, name, day=None):
        coarse, fine = self.value(0.04, name, day), self.value(0.02, name, day)
        self.assertLess(abs(coarse - fine), 0.10 * abs(fine), (name, coarse, fine))

    def test_channel_fill_at_day_14_is_converged(self):
        self.assert_close("channel_fill_pct", 14.0)

    def test_final_collagen_change_is_converged(self):
        self.assert_close("collagen_change_pct_dermis")


if __name__ == "__main__":
    unittest.main(verbosity=2)
