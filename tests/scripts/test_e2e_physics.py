#!/usr/bin/env python3
"""End-to-end physics of `dermis run`: the limiting and monotone behaviour a user would check
(issue 5) and the healing cascade after one injury in the output file (issue 4).

Runs are 1-D cheek columns (configs/profile_1d.ini at 20 um) so the whole file runs in seconds."""
import unittest

import numpy as np

from dermis_e2e import PROFILE, config, fields, observables, peak_time, run

PROFILE_1D = config("profile_1d.ini")


class UntreatedSkin(unittest.TestCase):
    def test_no_needles_means_no_change(self):
        out = run(PROFILE_1D, "untreated.nc", *PROFILE, "treatment.session_days=", "run.t_end_days=60")
        _, data = fields(out)
        for name, a in data.items():
            # Every frame equals the first one to the last bit: homeostasis is an exact fixed point.
            self.assertTrue(np.array_equal(a, np.broadcast_to(a[0], a.shape)), name)
        _, obs = observables(out)
        self.assertTrue(np.all(obs["collagen_change_pct_dermis"] == 0.0))
        self.assertTrue(np.all(obs["inflammation_index"] == 0.0))
        self.assertTrue(np.all(obs["barrier_open_fraction"] == 0.0))


class Injury(unittest.TestCase):
    def _damage_profile(self, name, *overrides):
        out = run(PROFILE_1D, name, *PROFILE, "treatment.session_days=0", "run.t_end_days=1",
                  "output.interval_days=1", *overrides)
        _, data = fields(out)
        return data["damage"][0]

    def test_deeper_needles_injure_deeper_layers(self):
        shallow = self._damage_profile("shallow.nc", "device.depth_mm=0.5")
        deep = self._damage_profile("deep.nc", "device.depth_mm=2.0")
        deepest = lambda d: int(np.nonzero(d > 1e-9)[0].max())
        self.assertGreater(deepest(deep), deepest(shallow))
        # Below the shallow needle's reach the deep needle still injures.
        self.assertGreater(deep[deepest(shallow) + 1:].sum(), 0.0)

    def test_more_channels_mean_more_damage(self):
        few = self._damage_profile("few.nc", "device.type=channels", "device.channels_per_cm2=100")
        many = self._damage_profile("many.nc", "device.type=channels", "device.channels_per_cm2=1000")
        self.assertGreater(many.sum(), 5.0 * few.sum())

    def test_occlusion_slows_resealing(self):
        def open_fraction_at_half_day(name, occlusion):
            out = run(PROFILE_1D, name, *PROFILE, "treatment.session_days=0", "run.t_end_days=1",
                      "output.interval_days=1", f"treatment.occlusion={occlusion}")
            t, obs = observables(out)
            return obs["barrier_open_fraction"][int(np.argmin(abs(t - 0.5)))]
        self.assertGreater(open_fraction_at_half_day("occluded.nc", "true"),
                           2.0 * open_fraction_at_half_day("open.nc", "false"))


class HealingCascade(unittest.TestCase):
    """One pen session on the resolved 2-D demo section, then 28 days: the generic time course of
    cutaneous repair (model reference table c1). Windows are wider than the point values of c1
    because c1 itself spans species and wound types (e.g. macrophage peak 'day 3 (3-5)',
    fibroblasts/granulation '3-14 d', myofibroblast peak 'day 12-15').

    2-D, not 1-D: a 1-D column averages the channels over the surface (about 1.5 % injured), and
    damage clearance by phagocytes is nonlinear (rate ~ N * D), so the average of the channels is
    not the channels of the average (docs/model.md, "Limits of the 1-D profile")."""

    @classmethod
    def setUpClass(cls):
        out = run(config("demo.ini"), "cascade.nc")
        cls.t, cls.obs = observables(out)

    def series(self, name):
        return self.obs[name + "_mean_dermis"]

    def test_neutrophils_peak_near_day_1_and_are_mostly_gone_by_day_5(self):
        n = self.series("neutrophils")
        self.assertTrue(0.5 <= peak_time(self.t, n) <= 2.0, peak_time(self.t, n))
        self.assertLess(n[np.searchsorted(self.t, 5.0)], 0.3 * n.max())

    def test_macrophages_peak_near_day_3(self):
        self.assertTrue(2.0 <= peak_time(self.t, self.series("macrophages")) <= 5.0)

    def test_fibroblasts_and_myofibroblasts_peak_in_the_proliferative_phase(self):
        cells = self.series("fibroblasts") + self.series("myofibroblasts")
        self.assertTrue(3.0 <= peak_time(self.t, cells) <= 14.0, peak_time(self.t, cells))
        self.assertTrue(7.0 <= peak_time(self.t, self.series("myofibroblasts")) <= 16.0)

    @unittest.expectedFailure
    def test_collagen_III_rises_before_collagen_I(self):
        # Known deviation of the model (docs/model.md, "Calibration"): platelet TGF-beta1 drives
        # type I deposition from day 0 while PDGF-driven type III follows the repair macrophages,
        # so both reach 10 % of their gain on about day 4. Kept as the target c1 states; if the
        # model is fixed this reports an unexpected success and the suite fails until the marker
        # is removed.
        def rise_time(name):
            gain = self.series(name) - self.series(name)[0]
            return float(self.t[np.argmax(gain >= 0.1 * gain.max())])
        self.assertLess(rise_time("collagen_III"), rise_time("collagen_I"))

    def test_collagen_synthesis_is_fastest_within_the_first_two_weeks(self):
        total = self.series("collagen_I") + self.series("collagen_III")
        rate = np.gradient(total, self.t)
        self.assertTrue(3.0 <= peak_time(self.t, rate) <= 10.0, peak_time(self.t, rate))

    def test_remodelling_continues_for_months(self):
        # Four weeks after the session the matrix is still being rebuilt: collagen is still
        # changing (by more than 1 %, above the 0.6 % accuracy of the time stepping) and myofibroblasts
        # persist (c1: they fall by day 20-30; remodelling lasts months to a year).
        change = self.obs["collagen_change_pct_dermis"]
        self.assertGreater(abs(change[-1] - change[np.searchsorted(self.t, 21.0)]), 0.01 * abs(change[-1]))
        self.assertGreater(self.series("myofibroblasts")[-1], 0.1 * self.series("myofibroblasts").max())


if __name__ == "__main__":
    unittest.main(verbosity=2)
