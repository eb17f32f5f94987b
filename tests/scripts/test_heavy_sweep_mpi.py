"""`dermis sweep --mpi` (the MPI task farm, built with -DDERMIS_MPI=ON) under `mpirun -n 2` writes
the same summary as the local driver, bit for bit, isolates a failing point and resumes.

Builds the MPI variant of dermis itself (Open MPI from `scripts/bootstrap.sh mpi`, also installed
by `bootstrap.sh test`) in the test's build directory; both drivers run that one binary, so the
comparison covers the drivers only. Without Open MPI the test says so and is skipped."""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath("sweep-mpi-build")
WORK = tempfile.mkdtemp(prefix="dermis_sweep_mpi_")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMP_NUM_THREADS="1")

SPEC = f"""[sweep]
base = {os.path.join(SOURCE, "configs", "profile_1d.ini")}
design = grid

[set]
run.t_end_days = 6
run.dx_mm = 0.05
output.interval_days = 3
output.observables_interval_days = 1
treatment.session_days = 0

[vary.device.depth_mm]
values = 0.5, 1, 1.5

[vary.run.depth_mm]
values = 2, 1.99
"""


def run(cmd, expect=0):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if proc.returncode != expect:
        raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def main():
    if shutil.which("mpicc") is None or shutil.which("mpirun") is None:
        print("SKIPPED: Open MPI is not installed (bash scripts/bootstrap.sh mpi)")
        return 0
    run(["cmake", "-S", SOURCE, "-B", BUILD, "-DDERMIS_MPI=ON", "-DBUILD_TESTING=OFF", "-DCMAKE_BUILD_TYPE=Release",
         "-DDERMIS_WERROR=ON"])
    run(["cmake", "--build", BUILD, "--target", "dermis", "-j2"])
    dermis = os.path.join(BUILD, "dermis")
    spec = os.path.join(WORK, "mpi.ini")
    with open(spec, "w") as f:
        f.write(SPEC)
    local, farm = os.path.join(WORK, "local"), os.path.join(WORK, "farm")
    # The 1.99 mm points are invalid (not a whole number of 0.05 mm voxels): both drivers exit 1.
    run([dermis, "sweep", spec, "-o", local, "--jobs", "2", "--threads", "1", "-q"], expect=1)
    mpirun = ["mpirun", "--oversubscribe", "-n", "2", dermis, "sweep", spec, "-o", farm, "--mpi", "--threads", "1"]
    run(mpirun, expect=1)
    for name in ("summary.nc", "summary.csv"):
        if not filecmp.cmp(os.path.join(local, name), os.path.join(farm, name), shallow=False):
            raise AssertionError(f"{name} of mpirun -n 2 differs from the local driver's")
    stamp = os.stat(os.path.join(farm, "points", "p000000.nc")).st_mtime_ns
    run(mpirun, expect=1)
    if os.stat(os.path.join(farm, "points", "p000000.nc")).st_mtime_ns != stamp:
        raise AssertionError("the MPI driver re-ran a completed point")
    if not filecmp.cmp(os.path.join(local, "summary.nc"), os.path.join(farm, "summary.nc"), shallow=False):
        raise AssertionError("the resumed MPI summary differs")
    print("ok: mpirun -n 2 summary == local summary (bitwise), failing points isolated, resume")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
