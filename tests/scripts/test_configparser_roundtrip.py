#!/usr/bin/python3
"""Python's configparser and dermis read configuration files identically.

Reads `dermis params --format ini` and a resolved configuration (`dermis check --format ini`)
with configparser (interpolation=None, strict=True, optionxform=str: the settings documented in
docs/configuration.md), writes them back with configparser, and checks that `dermis check`
accepts the rewritten files and resolves them to exactly the same configuration.
Environment: DERMIS (the binary), DERMIS_SOURCE_DIR (the source tree).
"""
import configparser
import os
import subprocess
import sys
import tempfile

DERMIS = os.environ["DERMIS"]
SOURCE = os.environ.get("DERMIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(SOURCE, "tests", "data", "config")


def dermis(*args):
    proc = subprocess.run([DERMIS, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"FAIL: dermis {' '.join(args)} -> {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def parser():
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str  # keys are case-sensitive
    return cp


def rewrite(text, directory, name, edit=None):
    cp = parser()
    cp.read_string(text)
    if edit:
        edit(cp)
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        cp.write(f)
    return cp, path


def resolved_rows(check_text):
    """Rows of `dermis check` text output without the last ("from") column, which differs."""
    return [line.rsplit("  ", 1)[0] for line in check_text.splitlines() if not line.startswith("#")]


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        # 1. The configuration template: runnable as written (the shipped 2-D section).
        template = dermis("params", "--format", "ini")
        cp, path = rewrite(template, tmp, "defaults.ini")
        if cp.get("run", "dims") != "2" or cp.get("run", "dx_mm") != "0.04" or cp.get("run", "depth_mm") != "1.2":
            print("FAIL: params --format ini defaults not read by configparser as written")
            failures += 1
        resolved_defaults = dermis("check", path, "--format", "ini")
        print(f"ok: params template read by configparser, {len(cp.sections())} sections, accepted by dermis check")

        # 2. A resolved configuration with every value type and an indexed section.
        for name in ("roundtrip.ini", "valid.ini"):
            original = os.path.join(DATA, name)
            resolved = dermis("check", original, "--format", "ini")
            _, path = rewrite(resolved, tmp, "rewritten_" + name)
            again = dermis("check", path, "--format", "ini")
            if again != resolved:
                print(f"FAIL: {name}: resolved configuration changed after a configparser rewrite")
                failures += 1
            # The source file itself, read directly by configparser, gives the same values.
            _, direct = rewrite(open(original).read(), tmp, "direct_" + name)
            if dermis("check", direct, "--format", "ini") != resolved:
                print(f"FAIL: {name}: configparser rewrite of the source file resolves differently")
                failures += 1
            rows_a = resolved_rows(dermis("check", original))
            rows_b = resolved_rows(dermis("check", path))
            if rows_a != rows_b:
                print(f"FAIL: {name}: `dermis check` tables differ")
                failures += 1
            print(f"ok: {name} round trip through configparser is identical")

        # 3. configparser sees every key of the resolved text as dermis wrote it.
        cp = parser()
        cp.read_string(resolved_defaults)
        if cp.get("run", "depth_mm") != "1.2":
            print("FAIL: resolved defaults lost run.depth_mm")
            failures += 1
    if failures:
        sys.exit(f"{failures} failure(s)")
    print("PASS")


if __name__ == "__main__":
    main()
