#!/usr/bin/env python3
"""Visible downtime after a pen session (issue 10): downtime_days is the time until the redness
(erythema_index: dilation of the dermal vessels by the early danger signals) fades below the
visible threshold (docs/model.md, "Downtime and erythema").

Targets: erythema 24-48 h after a 1.5 mm pen session (Harris 2015, the clinical series it
reviews), and redness that lasts longer the deeper the needles go (Bal 2008: more redness and
blood flow at 400 than at 200 um; Hackethal 2021: raised red-cell concentration for up to 24 h,
depending on needle length). One session on the 2-D demo section of cheek skin, widened to 4 mm
with stratified placement so that it holds the mean injury of the treated surface (the 1 mm demo
section holds one or two channels, and the redness per skin area with them), followed for 4
days."""
import unittest

from dermis_e2e import config, observables, run

DEPTHS_MM = (0.5, 1.0, 1.5, 2.0)


class Downtime(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.downtime = {}
        for depth in DEPTHS_MM:
            out = run(config("demo.ini"), f"downtime_{depth}.nc", f"device.depth_mm={depth}", "run.t_end_days=4",
                      "device.placement=stratified", "run.width_mm=4", "output.interval_days=4")
            t, obs = observables(out)
            cls.downtime[depth] = float(obs["downtime_days"][-1])
            cls.erythema = obs["erythema_index"] if depth == 1.5 else getattr(cls, "erythema", None)

    def test_a_1_5_mm_pen_session_is_red_for_one_to_two_days(self):
        self.assertTrue(1.0 <= self.downtime[1.5] <= 2.0, self.downtime)

    def test_redness_lasts_longer_the_deeper_the_needles_go(self):
        values = [self.downtime[d] for d in DEPTHS_MM]
        self.assertEqual(values, sorted(values), self.downtime)
        self.assertGreater(values[-1], values[0], self.downtime)

    def test_shallow_needling_is_red_for_less_than_a_day(self):
        self.assertLess(self.downtime[0.5], 1.0, self.downtime)

    def test_the_redness_fades_rather_than_being_cut_off(self):
        # The run ends after the redness has gone, so the value is a crossing, not the run length.
        self.assertLess(max(self.downtime.values()), 4.0, self.downtime)
        self.assertLess(self.erythema[-1], 0.5 * self.erythema.max())


if __name__ == "__main__":
    unittest.main(verbosity=2)
