"""Every plotting script runs on synthetic 1-D/2-D/3-D outputs written by the real writer and
produces a non-trivial figure; --help works for each."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dermis_sample as ds  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPTS = ["plot_timeseries.py", "plot_profiles.py", "plot_section.py", "animate.py", "compare_runs.py"]


def png_shape(path):
    import matplotlib.image as mpimg

    return mpimg.imread(path).shape[:2]


def check_curated_default(png):
    """Without --vars: the curated headline figure, not one panel per observable."""
    height, width = png_shape(png)
    assert height < 1600 and width < 1600, f"{png}: {width} x {height} px"


def check_clear_errors(tmp, nc):
    """One line, no traceback: an unsupported animation format, and a Python without the packages."""
    bad = subprocess.run([ds.PYTHON, os.path.join(ds.SCRIPTS, "animate.py"), nc, "--field", "damage", "-o",
                          os.path.join(tmp, "x.webm")], capture_output=True, text=True)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and ".gif or .mp4" in bad.stderr, bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    bare = subprocess.run([ds.PYTHON, "-S", os.path.join(ds.SCRIPTS, "plot_timeseries.py"), nc, "-o",
                           os.path.join(tmp, "y.png")], capture_output=True, text=True)
    assert bare.returncode != 0 and "Traceback" not in bare.stderr and "apt-get install" in bare.stderr, bare.stderr


def check_png(path, min_kb=5):
    with open(path, "rb") as f:
        head = f.read(8)
    assert head == PNG_MAGIC, f"{path}: not a PNG"
    assert os.path.getsize(path) > min_kb * 1024, f"{path}: suspiciously small"


def check_summed_section(tmp, nc):
    """--field collagen_I+collagen_III plots all collagen: the sum, titled with both names; fields
    in different units are refused with one line naming them."""
    png = os.path.join(tmp, "sum.png")
    ds.run_script("plot_section.py", nc, "--field", "collagen_I+collagen_III", "--days", "0,7", "-o", png)
    check_png(png)
    bad = subprocess.run([ds.PYTHON, os.path.join(ds.SCRIPTS, "plot_section.py"), nc, "--field",
                          "collagen_I+fibroblasts", "-o", os.path.join(tmp, "bad.png")], capture_output=True, text=True)
    assert bad.returncode != 0 and "different units" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, \
        bad.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="dermis_scripts_")
    files = {d: ds.make(os.path.join(tmp, f"run{d}d.nc"), d) for d in (1, 2, 3)}
    for name in SCRIPTS:
        out = subprocess.run([ds.PYTHON, os.path.join(ds.SCRIPTS, name), "--help"], capture_output=True, text=True)
        assert out.returncode == 0 and "usage" in out.stdout, name
    for d, nc in files.items():
        png = lambda what: os.path.join(tmp, f"{what}{d}.png")  # noqa: E731
        ds.run_script("plot_timeseries.py", nc, "-o", png("ts"))
        check_png(png("ts"))
        check_curated_default(png("ts"))
        ds.run_script("plot_timeseries.py", nc, "--vars", "collagen_change_pct,fibroblasts_mean_dermis", "-o",
                      png("ts2"))
        check_png(png("ts2"))
        ds.run_script("plot_timeseries.py", nc, "--vars", "inflammation_index", "-o", png("ts1"))
        check_png(png("ts1"))
        ds.run_script("plot_profiles.py", nc, "--field", "collagen_I", "--days", "0,7,28", "-o", png("prof"))
        check_png(png("prof"))
        ds.run_script("plot_section.py", nc, "--field", "fibroblasts", "--days", "7,28", "-o", png("sec"))
        check_png(png("sec"))
    check_summed_section(tmp, files[2])
    gif = os.path.join(tmp, "anim.gif")
    ds.run_script("animate.py", files[2], "--field", "damage", "-o", gif)
    assert open(gif, "rb").read(6) in (b"GIF89a", b"GIF87a") and os.path.getsize(gif) > 5 * 1024
    mp4 = os.path.join(tmp, "anim.mp4")
    ds.run_script("animate.py", files[3], "--field", "damage", "-o", mp4)
    assert open(mp4, "rb").read(12)[4:8] == b"ftyp" and os.path.getsize(mp4) > 2 * 1024
    cmp_png = os.path.join(tmp, "cmp.png")
    ds.run_script("compare_runs.py", *files.values(), "--var", "collagen_change_pct_dermis", "-o", cmp_png)
    check_png(cmp_png)
    svg = os.path.join(tmp, "cmp.svg")
    ds.run_script("compare_runs.py", files[1], files[2], "--var", "fibroblasts", "-o", svg)
    assert b"<svg" in open(svg, "rb").read(2000)
    bad = subprocess.run([ds.PYTHON, os.path.join(ds.SCRIPTS, "plot_profiles.py"), files[1], "--field", "nope",
                          "-o", os.path.join(tmp, "x.png")], capture_output=True, text=True)
    assert bad.returncode != 0 and "nope" in bad.stderr
    check_clear_errors(tmp, files[2])
    print("all plotting scripts OK")


if __name__ == "__main__":
    main()
