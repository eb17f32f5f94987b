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
    """One 1.5 mm pen session on the resolved 2-D demo section of cheek skin, then 6 weeks: the
    generic time course of cutaneous repair (model reference table c1) and the healing of the
    channels (issue 10). Windows are wider than the point values of c1 because c1 itself spans
    species and wound types (e.g. macrophage peak 'day 3 (3-5)', fibroblasts/granulation '3-14 d',
    myofibroblast peak 'day 12-15').

    2-D, not 1-D: a 1-D column averages the channels over the surface (about 1.5 % injured), and
    damage clearance by phagocytes is nonlinear (rate ~ N * D), so the average of the channels is
    not the channels of the average (docs/model.md, "Limits of the 1-D profile")."""

    PLACEMENT = ()  # demo.ini: random placement, seed 1

    @classmethod
    def setUpClass(cls):
        out = run(config("demo.ini"), f"{cls.__name__}.nc", "device.depth_mm=1.5", "run.t_end_days=42",
                  *cls.PLACEMENT)
        cls.t, cls.obs = observables(out)

    def series(self, name):
        return self.obs[name + "_mean_dermis"]

    def at(self, name, day):
        return self.obs[name][int(np.argmin(abs(self.t - day)))]

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

    def test_collagen_III_rises_at_least_a_day_before_collagen_I(self):
        # Gay et al. 1978: type III detectable at 24-48 h, type I from 72 h. Criterion: the day
        # each type reaches 10 % of its gain over the run (dermis mean).
        def rise_time(name):
            gain = self.series(name) - self.series(name)[0]
            return float(self.t[np.argmax(gain >= 0.1 * gain.max())])
        self.assertGreaterEqual(rise_time("collagen_I") - rise_time("collagen_III"), 1.0,
                                (rise_time("collagen_III"), rise_time("collagen_I")))

    def test_collagen_synthesis_is_fastest_within_the_first_two_weeks(self):
        total = self.series("collagen_I") + self.series("collagen_III")
        rate = np.gradient(total, self.t)
        self.assertTrue(3.0 <= peak_time(self.t, rate) <= 10.0, peak_time(self.t, rate))

    def test_channels_fill_half_by_day_14_and_nine_tenths_by_day_42(self):
        # Micro-channels hold granulation tissue within 1-2 weeks and are not found in biopsies
        # weeks later (model reference c1; issue 10 targets).
        # Right after the session the channels are empty: the fill starts near 0 and rises.
        self.assertLessEqual(self.at("channel_fill_pct", 0.25), 20.0)
        self.assertGreaterEqual(self.at("channel_fill_pct", 14.0), 50.0)
        self.assertGreaterEqual(self.obs["channel_fill_pct"][-1], 90.0)
        self.assertLessEqual(self.obs["channel_fill_pct"].max(), 100.0)

    def test_granulation_peaks_at_one_and_a_half_to_three_times_baseline_in_week_one_or_two(self):
        g = self.obs["granulation_index"]
        self.assertTrue(1.5 <= g.max() <= 3.0, g.max())
        self.assertTrue(4.0 <= peak_time(self.t, g) <= 14.0, peak_time(self.t, g))

    def test_provisional_matrix_is_replaced_within_weeks(self):
        pm = self.series("provisional_matrix")
        self.assertLess(pm[-1], 0.02 * pm.max())

    def test_elastin_is_rebuilt_slowly_and_incompletely(self):
        e = self.obs["elastin_change_pct_dermis"]
        self.assertLess(e[0], 0.0)                 # the channels destroyed elastin
        self.assertGreater(e[-1], e[0])            # some is rebuilt ...
        self.assertLess(e[-1], 0.5 * e[0])         # ... about half or less in 6 weeks (e < 0)

    def test_remodelling_continues_after_the_channels_are_filled(self):
        # Six weeks after the session the matrix is still being remodelled: type III made in the
        # provisional matrix is still in excess of the healthy share (c1: remodelling for months),
        # though myofibroblasts have mostly gone.
        ratio = self.obs["collagen_ratio_I_III_dermis"]
        self.assertLess(ratio[-1], ratio[0])
        self.assertLess(self.series("myofibroblasts")[-1], 0.5 * self.series("myofibroblasts").max())


class StratifiedHealingCascade(HealingCascade):
    """The same cascade with stratified placement (what configs/default.ini uses): this 1 mm
    section holds fewer, partly cut channels than the random seed-1 section, so the targets,
    granulation above all, must not depend on where the channels happen to land."""
    PLACEMENT = ("device.placement=stratified",)


class AcneScar(unittest.TestCase):
    """An untreated scar is a fixed point to the last bit; a treated one fills partly."""
    SCAR = ("run.width_mm=2", "run.depth_mm=1.2", "run.dx_mm=0.05", "lesion.width_mm=1.5", "lesion.depth_mm=0.4",
            "device.depth_mm=1.5")

    def test_untreated_scar_stays_exactly(self):
        out = run(config("acne_scar.ini"), "scar_untreated.nc", *self.SCAR, "treatment.session_count=0",
                  "run.t_end_days=30")
        _, data = fields(out)
        for name, a in data.items():
            self.assertTrue(np.array_equal(a, np.broadcast_to(a[0], a.shape)), name)
        _, obs = observables(out)
        self.assertTrue(np.all(obs["lesion_fill_pct"] == 0.0))

    def test_treated_scar_fills_partly(self):
        out = run(config("acne_scar.ini"), "scar_treated.nc", *self.SCAR, "treatment.session_count=1", "run.t_end_days=42")
        _, obs = observables(out)
        fill = obs["lesion_fill_pct"][-1]
        self.assertTrue(0.0 < fill < 100.0, fill)
        self.assertGreaterEqual(obs["channel_fill_pct"][-1], 90.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
