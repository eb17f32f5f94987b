"""`dermis sweep` survives kills: a point killed with SIGKILL is recorded as failed with its error
line while the sweep goes on; SIGTERM to the sweep stops it cleanly (running point interrupted,
summary written, exit 1); the re-run completes exactly the missing points. A second sweep of the
same directory is refused while the first runs, and kill -9 of the sweep itself leaves no orphan
point running. The points are made long enough (weeks of a 1-D column at 20 um) to be caught
while they run."""
import os
import signal
import subprocess
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_sweep import DERMIS, FAST_SET, WORK, check, summary_rows, sweep, write_sweep  # noqa: E402


def find_child(ini_path):
    """pid of the `dermis run` child running the point file ini_path (full path: other sweeps may
    run on the machine), or None."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"run" in args and ini_path.encode() in args:
            return int(pid)
    return None


def wait_for(predicate, timeout):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return None


def test_killed_point_and_killed_sweep():
    """kill -9 of one point: the sweep goes on and records it; SIGTERM to the sweep: it stops the
    running point (interrupted) and writes the summary; a re-run completes exactly what is missing."""
    sets = FAST_SET.replace("run.t_end_days = 6", "run.t_end_days = 40").replace("run.dx_mm = 0.05", "run.dx_mm = 0.02")
    spec = write_sweep("kill", "design = grid\n[vary.device.depth_mm]\nvalues = 0.5, 1, 1.5, 2\n", sets=sets)
    out = os.path.join(WORK, "kill")
    proc = subprocess.Popen([DERMIS, "sweep", spec, "-o", out, "--jobs", "1", "--threads", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    points = os.path.join(out, "points")
    victim = wait_for(lambda: find_child(os.path.join(points, "p000001.ini")), 120)
    check(victim is not None, "point 1 never started")
    os.kill(victim, signal.SIGKILL)
    # Then stop the whole sweep while point 2 runs.
    check(wait_for(lambda: find_child(os.path.join(points, "p000002.ini")), 120) is not None,
          "the sweep did not go on after a killed point")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    check(proc.returncode == 1, f"a stopped sweep exits 1, got {proc.returncode}: {err}")
    rows = summary_rows(out)
    state = [(r["status"], r["error"]) for r in rows]
    check(state[0] == ("completed", ""), f"point 0 must be kept: {state}")
    check(state[1][0] == "failed" and "killed by signal 9" in state[1][1], f"point 1: {state}")
    # The running point ends "interrupted" (killed by SIGTERM if stopped before its handler was set;
    # completed if it was about to end; "failed" with dermis run's "interrupted at day 0, before the
    # first frame" line if stopped before it wrote anything), and no new point starts after the stop.
    check(state[2][0] in ("interrupted", "completed") or "killed by signal 15" in state[2][1]
          or state[2][1].startswith("interrupted at day"),
          f"point 2 was stopped: {state}")
    check(state[3] == ("pending", ""), f"no point may start after SIGTERM: {state}")
    stamp = os.stat(os.path.join(out, "points", "p000000.nc")).st_mtime_ns
    sweep(spec, "-o", out, "--threads", "2")
    rows = summary_rows(out)
    check(all(r["status"] == "completed" for r in rows), f"resume must complete every point: "
          f"{[(r['status'], r['error']) for r in rows]}")
    check(os.stat(os.path.join(out, "points", "p000000.nc")).st_mtime_ns == stamp, "point 0 was re-run")
    print("ok: killed point, killed sweep, resume")


def test_second_sweep_refused_and_no_orphans():
    """While a sweep runs, a second `dermis sweep` of the same DIR exits 1 with one line saying the
    directory is in use (it would run the same points); kill -9 of the first sweep stops its
    running point within seconds (no orphan keeps computing and holding the point's lock)."""
    # Points of ~10 s (small steps forced), so one still running after the 5 s allowed is an orphan.
    sets = (FAST_SET.replace("run.t_end_days = 6", "run.t_end_days = 60").replace("run.dx_mm = 0.05", "run.dx_mm = 0.02")
            + "solver.dt_max_days = 0.002\n")
    spec = write_sweep("orphan", "design = grid\n[vary.device.depth_mm]\nvalues = 0.5, 1\n", sets=sets)
    out = os.path.join(WORK, "orphan")
    proc = subprocess.Popen([DERMIS, "sweep", spec, "-o", out, "--jobs", "1", "--threads", "1", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        point = os.path.join(out, "points", "p000000.ini")
        child = wait_for(lambda: find_child(point), 120)
        check(child is not None, "point 0 never started")
        second = subprocess.run([DERMIS, "sweep", spec, "-o", out, "--jobs", "1", "-q"],
                                capture_output=True, text=True, timeout=60)
        lines = second.stderr.strip().splitlines()
        check(second.returncode == 1 and len(lines) == 1 and "in use by another `dermis sweep`" in lines[0],
              f"a second sweep of a running DIR must be refused in one line: {second.returncode} {second.stderr}")
        proc.kill()
        proc.communicate(timeout=60)
        check(wait_for(lambda: find_child(point) is None, 5), "kill -9 of the sweep left its point running")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # The directory is free again: the re-run completes both points.
    sweep(spec, "-o", out, "--jobs", "2", "--threads", "1")
    check(all(r["status"] == "completed" for r in summary_rows(out)), "resume after kill -9 must complete")
    print("ok: second sweep refused, no orphan after kill -9, resume")


if __name__ == "__main__":
    try:
        test_killed_point_and_killed_sweep()
        test_second_sweep_refused_and_no_orphans()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
