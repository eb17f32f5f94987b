"""The sweep figures come out of real sweeps: scripts/sweep_heatmap.py and sweep_lines.py on a
grid with replicates, scripts/sweep_sensitivity.py on a Saltelli and a Morris sweep (tiny 1-D
runs). Checks that each writes a non-empty PNG and that the sensitivity table names every key."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sweep import SOURCE, WORK, check, sweep, write_sweep  # noqa: E402

SCRIPTS = os.path.join(SOURCE, "scripts")
KEYS = "[vary.species.fibroblasts.proliferation_per_day]\nmin = 0.4\nmax = 1.2\n" \
       "[vary.species.macrophages.removal_per_day]\nmin = 0.1\nmax = 0.5\nscale = log\n"


def script(name, *args):
    proc = subprocess.run(["/usr/bin/python3", os.path.join(SCRIPTS, name), *args], capture_output=True, text=True,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    if proc.returncode != 0:
        raise AssertionError(f"{name} {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def png(path):
    with open(path, "rb") as f:
        head = f.read(8)
    check(head == b"\x89PNG\r\n\x1a\n" and os.path.getsize(path) > 10000, f"{path} is not a real PNG")


def main():
    grid = os.path.join(WORK, "grid")
    spec = write_sweep("plotgrid", "design = grid\nreplicates = 2\n[vary.device.depth_mm]\nvalues = 0.5, 1.5\n"
                       "[vary.treatment.reseal_half_life_h]\nvalues = 6, 24\n")
    sweep(spec, "-o", grid, "--jobs", "2", "--threads", "1", "-q")
    out = os.path.join(WORK, "heat.png")
    script("sweep_heatmap.py", grid, "--var", "damage_mean_dermis_peak", "-o", out)
    png(out)
    out = os.path.join(WORK, "lines.png")
    script("sweep_lines.py", grid, "--var", "damage_mean_dermis_peak", "--x", "device_depth_mm", "-o", out)
    png(out)
    for design, extra in (("saltelli", "samples = 4\n"), ("morris", "samples = 3\nseed = 2\n")):
        d = os.path.join(WORK, design)
        sweep(write_sweep(design, f"design = {design}\n{extra}{KEYS}"), "-o", d, "--jobs", "2", "--threads", "1",
              "-q")
        out = os.path.join(WORK, design + ".png")
        table = script("sweep_sensitivity.py", d, "--var", "fibroblasts_mean_dermis_peak,inflammation_index_peak",
                       "--bootstrap", "50", "-o", out)
        png(out)
        check("species_fibroblasts_proliferation_per_day" in table and "species_macrophages_removal_per_day" in table,
              f"{design}: the table must name every key:\n{table}")
    print("ok: heat map, lines, Sobol and Morris figures")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
