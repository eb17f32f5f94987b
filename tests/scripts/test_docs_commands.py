"""Runs every shell command shown in README.md and docs/*.md (fenced ```sh / ```bash blocks), so the
docs cannot drift from the program (issue 13).

Each command runs in a scratch directory that links the repository's configs/, scripts/, tests/,
docs/ and web/, with `dermis` (or build/<preset>/dermis) replaced by the binary under test. Placeholders
are real files there: my.ini is a copy of configs/demo.ini, and an input *.nc that does not exist
yet (OUT.nc, out/default.nc, ...) is written first by a short run of configs/default.ini.
`dermis run` is checked twice: `dermis check` with the exact configuration and overrides shown,
then the run itself shortened to one simulated day by extra --set overrides (appended, so they
win). A few commands are skipped, each with its reason below; a command whose program is not
installed is skipped with that reason. Environment: DERMIS (binary), DERMIS_SOURCE_DIR.
"""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

DERMIS = os.environ["DERMIS"]
SOURCE = os.environ["DERMIS_SOURCE_DIR"]
TIMEOUT_S = 300

# Commands (by their first words) that are not run here, and why.
SKIPPED = {
    "bash scripts/main_job.sh": "the full default scenario and its figures (minutes); it is the main job",
    "bash scripts/run_tests.sh": "runs the test suite this test is part of",
    "cmake --workflow": "a separate build of the whole project (minutes); CI runs the asan workflow itself",
    "bash tests/fuzz/run.sh": "builds the clang fuzz preset; script_test_fuzz_smoke runs the fuzzer",
    "bash scripts/make_docs.sh": "rewrites docs/parameters.md in the source tree; "
                                 "script_test_docs_parameters runs it on a copy",
    "xvfb-run -a pvpython scripts/paraview_state.py": "renders through ParaView and Xvfb (flaky under load); "
                                                      "script_test_output_readers renders it with a check",
    "dermis sweep configs/sweeps/": "a whole example sweep (minutes); script_test_sweep runs reduced sweeps",
    "build/release/dermis sweep configs/sweeps/": "a whole example sweep (minutes); script_test_sweep runs "
                                                  "reduced sweeps",
    "/usr/bin/python3 scripts/sweep_": "needs the example sweep's output; script_test_sweep_plots runs the plots",
    "bash scripts/web_demo.sh": "serves the teaching page until stopped; the web-labelled page test builds "
                                "and drives it",
}

# Appended to `dermis run` so that a documented run takes seconds: one simulated day, one session.
SHORTEN = ["--set", "run.t_end_days=1", "--set", "treatment.session_count=0", "--set",
           "treatment.session_days=0", "--set", "output.interval_days=0.5", "--set",
           "output.observables_interval_days=0.25", "--set", "output.checkpoint_interval_days=0", "-q"]

# Options of `dermis run` that `dermis check` does not take (those with a value take one word).
RUN_ONLY_WITH_VALUE = {"-o", "--output", "--threads", "--restart"}
RUN_ONLY_FLAGS = {"-q", "--quiet", "--force"}


def documented_commands():
    """(file, command text) for every command line of a shell block."""
    found = []
    for path in [os.path.join(SOURCE, "README.md")] + sorted(glob.glob(os.path.join(SOURCE, "docs", "*.md"))):
        text = open(path).read()
        for block in re.finditer(r"^```(sh|bash|shell)\n(.*?)^```", text, re.S | re.M):
            pending = ""
            for line in block.group(2).splitlines():
                if line.rstrip().endswith("\\"):
                    pending += line.rstrip()[:-1] + " "
                    continue
                line = pending + line
                pending = ""
                if line.strip() and not line.strip().startswith("#"):
                    found.append((os.path.relpath(path, SOURCE), line.strip()))
    return found


def is_dermis(word):
    return word == "dermis" or re.fullmatch(r"(\./)?build/[\w-]+/dermis", word) is not None


def skip_reason(words):
    text = " ".join(words)
    for prefix, reason in SKIPPED.items():
        if text.startswith(prefix):
            return reason
    if not is_dermis(words[0]) and shutil.which(words[0]) is None:
        return f"{words[0]} is not installed"
    # ParaView renders through X: without a display only the xvfb-run form can work.
    if words[0] in ("pvpython", "paraview") and not os.environ.get("DISPLAY"):
        return f"{words[0]} needs a display (no DISPLAY here; the xvfb-run line covers it)"
    return None


def run(words, cwd):
    return subprocess.run(words, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)


def make_fixtures(words, cwd):
    """Creates the input files a command names but the docs assume exist."""
    if "my.ini" in words and not os.path.exists(os.path.join(cwd, "my.ini")):
        shutil.copy(os.path.join(SOURCE, "configs", "demo.ini"), os.path.join(cwd, "my.ini"))
    for i, word in enumerate(words):
        written = i > 0 and words[i - 1] in ("-o", "--output")
        if word.endswith(".nc") and not written and not os.path.exists(os.path.join(cwd, word)):
            os.makedirs(os.path.dirname(os.path.join(cwd, word)) or cwd, exist_ok=True)
            r = run([DERMIS, "run", os.path.join(SOURCE, "configs", "default.ini"), "-o", word] + SHORTEN, cwd)
            if r.returncode != 0:
                raise RuntimeError(f"could not write the fixture {word}: {r.stderr.strip()}")


def check_words(words):
    """The `dermis check` command for a `dermis run` command: same configuration and overrides."""
    kept, skip_next = [DERMIS, "check"], False
    for word in words[2:]:
        if skip_next:
            skip_next = False
        elif word in RUN_ONLY_WITH_VALUE:
            skip_next = True
        elif word in RUN_ONLY_FLAGS or any(word.startswith(o + "=") for o in RUN_ONLY_WITH_VALUE) or \
                (word.startswith("-o") and len(word) > 2):
            continue
        else:
            kept.append(word)
    return kept


def main():
    commands = documented_commands()
    if len(commands) < 5:
        print(f"FAIL: only {len(commands)} commands found in the docs; the extraction is broken")
        return 1
    failures = ran = 0
    with tempfile.TemporaryDirectory() as cwd:
        for name in ("configs", "scripts", "tests", "docs", "web"):
            if os.path.exists(os.path.join(SOURCE, name)):
                os.symlink(os.path.join(SOURCE, name), os.path.join(cwd, name))
        for source, line in commands:
            words = shlex.split(line, comments=True)
            reason = skip_reason(words)
            if reason is not None:
                print(f"skip: {source}: {line}\n      ({reason})")
                continue
            if is_dermis(words[0]):
                words[0] = DERMIS
            attempts = [words]
            if words[0] == DERMIS and len(words) > 1 and words[1] == "run":
                attempts = [check_words(words), words + SHORTEN]
            try:
                make_fixtures(words, cwd)
                results = [run(w, cwd) for w in attempts]
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
                print(f"FAIL: {source}: {line}\n      {e}")
                failures += 1
                continue
            bad = [r for r in results if r.returncode != 0]
            if bad:
                print(f"FAIL: {source}: {line}\n      exit {bad[0].returncode}: {bad[0].stderr.strip()[-400:]}")
                failures += 1
            else:
                print(f"ok: {source}: {line}")
                ran += 1
    print(f"{ran} commands ran, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
