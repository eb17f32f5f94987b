#!/usr/bin/python3
"""Checks that two dermis outputs hold the same results bit for bit: every dataset (fields,
observables, sessions, solver statistics, coordinates) and every attribute, except those that
name the run rather than its results (run identity, times and wall time of the run, the
program's version and the output's own file names).

Usage: python3 scripts/same_outputs.py A.nc B.nc
Prints one line per difference and exits 1 if there is any, else prints a summary and exits 0.
For refactors that must not change any number: run the same configuration with the old and the
new program and compare.
"""
import sys

import h5py
import numpy as np

# Attributes that differ between two runs of the same configuration by design: the run's
# identity, clock times and command line, the program that wrote it (source, dermis_git_commit)
# and the wall times the solver spent (solver_wall_*). HDF5's dimension-scale bookkeeping
# (object references) is compared through the datasets it links.
RUN_SPECIFIC = {"run_id", "start_time", "end_time", "wall_time_s", "source", "dermis_git_commit", "command_line",
                "history", "hostname"}
SKIPPED_PREFIXES = ("solver_wall_",)
REFERENCES = {"DIMENSION_LIST", "REFERENCE_LIST"}


def skipped(name):
    return name in RUN_SPECIFIC or name in REFERENCES or name.startswith(SKIPPED_PREFIXES)


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.kind in "fc":
        # Bitwise: the same bytes, so NaNs compare equal and -0.0 differs from 0.0.
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def attrs_differ(path, x, y, out):
    for name in sorted(set(x.attrs) | set(y.attrs)):
        if skipped(name):
            continue
        if name not in x.attrs or name not in y.attrs:
            out.append("%s: attribute %s only in %s" % (path or "/", name, "A" if name in x.attrs else "B"))
        elif not same_value(x.attrs[name], y.attrs[name]):
            out.append("%s: attribute %s differs: %.80r vs %.80r" % (path or "/", name, x.attrs[name], y.attrs[name]))


def compare(fa, fb):
    out, n_values = [], [0]

    def visit(path, x, y):
        attrs_differ(path, x, y, out)
        if isinstance(x, h5py.Dataset):
            if not isinstance(y, h5py.Dataset):
                out.append("%s: a dataset in A, not in B" % path)
            elif not same_value(x[()], y[()]):
                out.append("%s: values differ" % path)
            else:
                n_values[0] += x.size
            return
        for name in sorted(set(x) | set(y)):
            if name not in x or name not in y:
                out.append("%s/%s: only in %s" % (path, name, "A" if name in x else "B"))
                continue
            visit("%s/%s" % (path, name), x[name], y[name])

    visit("", fa, fb)
    return out, n_values[0]


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    with h5py.File(argv[1], "r") as fa, h5py.File(argv[2], "r") as fb:
        diffs, n = compare(fa, fb)
    for line in diffs:
        print("differs: " + line)
    if diffs:
        return 1
    print("same: %s and %s hold the same %d values bit for bit (attributes too, but for %s)" %
          (argv[1], argv[2], n, ", ".join(sorted(RUN_SPECIFIC) + [p + "*" for p in SKIPPED_PREFIXES])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
