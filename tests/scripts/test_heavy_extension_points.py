#!/usr/bin/python3
"""The "How to add" sections of docs/architecture.md are true.

In a scratch copy of the source tree this test adds, by editing ONLY the files that each
section's "Files:" line names,
  - a field (probe_cells: dermal cells with a diffusivity, chemotaxis towards the alarmins,
    destroyed by injury, a baseline and a first-order return to it),
  - a device (probe_stamp: twice the explicit channel density in one pass; one row of
    DERMIS_DEVICES and its density function),
  - an observable (probe_time_days: the simulated time),
  - an output format (extension_points/output_probe.c: the observable rows as CSV, OUT.nc.csv;
    the new file and one row of DERMIS_OUTPUT_WRITERS),
then builds the copy as CI does (cmake --preset ci) and checks
  - that the edited files are exactly the doc's lists (a stale list fails the test),
  - tests/scripts/extension_points/probe.c (copied in as a model test): each addition reaches
    the registry, the solver's transport and chemotaxis, the homeostasis, the injury, the device
    table and the observables,
  - that the model's own tests (homeostasis, kinetics Jacobian, injury, devices, observables)
    still pass with the new rows,
  - end to end, without any io/ or app/ edit: `dermis params` lists the field's keys,
    `dermis run` with the new device writes the new field and observable and the CSV file
    holds every observable row of the netCDF file, and the generated
    parameter docs list the new keys,
and finally that the registry's compile-time assertions refuse rows whose columns disagree or
that lack a column (the build must fail with the assertion's message).

Heavy tier: it builds a whole tree (about 35 s on two loaded cores).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.environ.get("DERMIS_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "scripts", "extension_points")
COPY = ["CMakeLists.txt", "CMakePresets.json", "app", "cmake", "bench", "io", "model", "scripts", "solver", "tests"]
SECTIONS = {"field": "A field", "device": "A device", "observable": "An observable",
            "output": "An output format"}  # kind: doc heading


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


# ------------------------------------------------------------------ what the doc promises ----

def doc_file_lists():
    """{kind: set of files} from the "Files:" line of each "How to add" entry."""
    text = open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8").read()
    lists = {}
    for kind, title in SECTIONS.items():
        m = re.search(r"^### " + re.escape(title) + r"\s*$(.*?)(?=^### |^## |\Z)", text, re.M | re.S)
        if not m:
            fail("docs/architecture.md has no '### %s' section" % title)
        files = re.search(r"^Files: (.*)$", m.group(1), re.M)
        if not files:
            fail("'### %s' has no 'Files:' line" % title)
        # The example output format is called "probe": io/output_<format>.c is io/output_probe.c.
        lists[kind] = set(f.replace("<format>", "probe") for f in re.findall(r"`([^`]+)`", files.group(1)))
    return lists


# ------------------------------------------------------------------ text edits ---------------

def append_to_macro(text, macro, row):
    """Appends a row to the X-macro list `#define macro(X)`."""
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.startswith("#define %s(X)" % macro)), None)
    if start is None:
        fail("no '#define %s(X)'" % macro)
    end = start
    while lines[end].rstrip().endswith("\\"):
        end += 1
    lines[end] = lines[end].rstrip() + " \\"
    lines.insert(end + 1, "    " + row)
    return "\n".join(lines)


def before_function_end(text, signature, code):
    """Inserts code before the closing brace (column 0) of the function whose definition starts
    with `signature`."""
    start = text.find("\n" + signature)
    if start < 0:
        fail("no function '%s'" % signature)
    end = text.find("\n}\n", start)
    return text[:end + 1] + code + text[end + 1:]


def before(text, anchor, code):
    i = text.find(anchor)
    if i < 0:
        fail("anchor not found: %r" % anchor)
    return text[:i] + code + text[i:]


def before_closing(text, anchor, code, closing="};"):
    """Inserts code before the first `closing` after anchor (by default the '};' that ends the
    initializer starting at anchor)."""
    start = text.find(anchor)
    if start < 0:
        fail("anchor not found: %r" % anchor)
    end = text.find(closing, start)
    return text[:end] + code + text[end:]


def table_row(text, table, function, row):
    """A row of the const table that starts with `table`, and the row's function before it."""
    return before_closing(before(text, table, function), table, "    " + row + "\n")


def edit(tree, path, fn):
    full = os.path.join(tree, path)
    with open(full, encoding="utf-8") as f:
        old = f.read()
    new = fn(old)
    if new == old:
        fail("edit of %s changed nothing" % path)
    with open(full, "w", encoding="utf-8") as f:
        f.write(new)


FIELD_ROW = ('X(PROBE_CELLS, probe_cells, "mm-3", "probe cell density (cells per mm^3)", DERMIS_TRANSPORT_FIBROBLAST, '
             'DERMIS_PARAM(probe_cell_diffusivity_mm2_per_day), '
             'DERMIS_CHEMOTAXIS(ALARMINS, probe_cell_chemotaxis_mm2_per_day_per_ng_per_ml, chemotaxis_saturation_ng_per_ml), '
             'DERMIS_INJURY_DESTROY, DERMIS_SCALE_PARAM(probe_cell_baseline_per_mm3))')
PARAM_ROWS = [
    'X(probe_cell_baseline_per_mm3, "species.probe_cells.baseline_per_mm3", "mm-3", 400, 1, 1e4, 0, '
    '"Probe cells in healthy dermis.", "extension-point test")',
    'X(probe_cell_diffusivity_mm2_per_day, "species.probe_cells.diffusivity_mm2_per_day", "mm2 d-1", 0.02, 0, 2, 0, '
    '"Random motility of probe cells.", "extension-point test")',
    'X(probe_cell_chemotaxis_mm2_per_day_per_ng_per_ml, "species.probe_cells.chemotaxis_mm2_per_day_per_ng_per_ml", '
    '"mm2 d-1 mL ng-1", 0.001, 0, 1, 0, "Chemotactic sensitivity of probe cells to alarmins.", "extension-point test")',
    'X(probe_cell_turnover_per_day, "species.probe_cells.turnover_per_day", "d-1", 0.5, 0.01, 10, 0, '
    '"Return rate of probe cells to their baseline.", "extension-point test")',
]
PROBE_EQ = """/* Probe cells return to their baseline at a first-order rate. */
static void probe_cell_eq(const dermis_kinetics *k, const dermis_kinetics_site *s, const double *u, double *R, double *J)
{
    const int i = DERMIS_F_PROBE_CELLS;
    R[i] = k->p.probe_cell_turnover_per_day * (s->baseline[i] - u[i]);
    jset(J, i, i, -k->p.probe_cell_turnover_per_day);
}

"""


def add_field(tree):
    edit(tree, "model/species.h", lambda t: append_to_macro(t, "DERMIS_SPECIES", FIELD_ROW))

    def params(t):
        for row in PARAM_ROWS:
            t = append_to_macro(t, "DERMIS_MODEL_PARAMS", row)
        return t
    edit(tree, "model/params.h", params)

    def kinetics(t):
        t = before(t, "void dermis_kinetics_eval(", PROBE_EQ)
        t = before_function_end(t, "static void layer_baseline(",
                                "    u0[DERMIS_F_PROBE_CELLS] = p->probe_cell_baseline_per_mm3; /* cellular layers */\n")
        return before_function_end(t, "void dermis_kinetics_eval(", "    probe_cell_eq(k, site, u, R, J);\n")
    edit(tree, "model/kinetics.c", kinetics)


def add_device(tree):
    edit(tree, "model/device.h", lambda t: append_to_macro(
        t, "DERMIS_DEVICES", 'X(PROBE_STAMP, "probe_stamp", probe_stamp_density, single_pass, NULL)'))
    edit(tree, "model/device.c", lambda t: before(
        t, "#define DEVICE_NAME(",
        "/* Probe stamp: twice the explicit channel density in one press. */\n"
        "static double probe_stamp_density(const dermis_device_params *d) { return 2.0 * d->channels_per_cm2; }\n\n"))


def add_output_format(tree):
    shutil.copy2(os.path.join(HERE, "output_probe.c"), os.path.join(tree, "io", "output_probe.c"))
    edit(tree, "io/output_writer.h", lambda t: append_to_macro(
        t, "DERMIS_OUTPUT_WRITERS", "X(probe_csv) /* io/output_probe.c */"))


def add_observable(tree):
    edit(tree, "model/observables.c", lambda t: table_row(
        t, "static const observable_row rows[]",
        "/* The simulated time (a probe of the observable table). */\n"
        "static void probe_time(dermis_observables *o, double t_day, const double *u, double *out)\n"
        "{\n    (void)o;\n    (void)u;\n    *out = t_day;\n}\n\n",
        '{"probe_time_days", "day", "simulated time", 0, 0, probe_time},'))


# ------------------------------------------------------------------ build and run ------------

def run(cmd, cwd, expect_ok=True, timeout=1500):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    if expect_ok and p.returncode != 0:
        print(p.stdout[-6000:])
        fail("command failed (%d): %s" % (p.returncode, " ".join(cmd)))
    return p


def changed_files(a, b):
    out = set()
    for top in COPY:
        pa, pb = os.path.join(a, top), os.path.join(b, top)
        if os.path.isfile(pa):
            if open(pa, "rb").read() != open(pb, "rb").read():
                out.add(top)
            continue
        for d, _, files in os.walk(pb):
            for name in files:
                rel = os.path.relpath(os.path.join(d, name), b)
                orig = os.path.join(a, rel)
                if not os.path.exists(orig) or open(orig, "rb").read() != open(os.path.join(b, rel), "rb").read():
                    out.add(rel)
    return out


def expect_build_failure(tree, build, path, old, new, message):
    """Replaces old by new in path, builds the model library, expects failure with message."""
    full = os.path.join(tree, path)
    text = open(full, encoding="utf-8").read()
    if old not in text:
        fail("%s: %r not found" % (path, old))
    open(full, "w", encoding="utf-8").write(text.replace(old, new, 1))
    p = run(["cmake", "--build", build, "--target", "dermis_model"], tree, expect_ok=False)
    open(full, "w", encoding="utf-8").write(text)
    if p.returncode == 0:
        fail("the model built although %s" % message)
    if not re.search(message, p.stdout):
        print(p.stdout[-3000:])
        fail("the build failed, but without %r" % message)
    print("ok: the build refuses it: %s" % message)


def main():
    lists = doc_file_lists()
    for kind, files in lists.items():
        print("doc: %s -> %s" % (kind, ", ".join(sorted(files))))
    with tempfile.TemporaryDirectory(prefix="dermis_ext_") as tmp:
        tree = os.path.join(tmp, "src")
        os.mkdir(tree)
        ignore = shutil.ignore_patterns("build", ".git", "node_modules", "__pycache__")
        for top in COPY:
            src = os.path.join(ROOT, top)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(tree, top), ignore=ignore)
            else:
                shutil.copy2(src, os.path.join(tree, top))
        pristine = os.path.join(tmp, "pristine")
        shutil.copytree(tree, pristine)

        # Each addition touches exactly the files its section lists.
        for kind, add in (("field", add_field), ("device", add_device), ("observable", add_observable),
                          ("output", add_output_format)):
            before_edit = os.path.join(tmp, "before_" + kind)
            shutil.copytree(tree, before_edit)
            add(tree)
            touched = changed_files(before_edit, tree)
            shutil.rmtree(before_edit)
            if touched != lists[kind]:
                fail("adding %s touched %s, docs/architecture.md lists %s" %
                     (SECTIONS[kind].lower(), sorted(touched), sorted(lists[kind])))
            print("ok: adding %s touches only %s" % (SECTIONS[kind].lower(), ", ".join(sorted(touched))))
        shutil.rmtree(pristine)
        shutil.copy2(os.path.join(HERE, "probe.c"), os.path.join(tree, "tests", "model", "test_extension_probe.c"))

        run(["cmake", "--preset", "ci"], tree)
        build = os.path.join(tree, "build", "ci")
        targets = ["dermis", "test_model_extension_probe", "test_model_homeostasis", "test_model_homeostasis_solver",
                   "test_model_kinetics", "test_model_injury", "test_model_device", "test_model_observables"]
        run(["cmake", "--build", build, "-j2", "--target"] + targets, tree)
        tests = "|".join(t for t in targets if t.startswith("test_"))
        p = run(["ctest", "--test-dir", build, "--output-on-failure", "-R", "^(%s)$" % tests], tree, expect_ok=False)
        print(p.stdout[-4000:])
        if p.returncode != 0 or "100% tests passed" not in p.stdout:
            fail("the model's tests or the probe failed with the new rows")
        if "tests passed, 0 tests failed out of %d" % (len(targets) - 1) not in p.stdout:
            fail("not every expected test ran")

        # End to end, with no io/ or app/ edit.
        dermis = os.path.join(build, "dermis")
        params = run([dermis, "params"], tmp).stdout
        for key in ("species.probe_cells.baseline_per_mm3", "species.probe_cells.turnover_per_day"):
            if key not in params:
                fail("`dermis params` does not list %s" % key)
        # The device row alone made it a choice of device.type and session.N.device.
        if params.count("probe_stamp") < 2:
            fail("`dermis params` does not offer probe_stamp for device.type and session.N.device")
        docs = os.path.join(tree, "docs")
        os.makedirs(docs, exist_ok=True)
        run(["bash", os.path.join(tree, "scripts", "make_docs.sh"), dermis], tree)
        if "species.probe_cells.diffusivity_mm2_per_day" not in open(os.path.join(docs, "parameters.md")).read():
            fail("the generated docs/parameters.md lacks the new field's keys")
        ini = os.path.join(tmp, "probe.ini")
        with open(ini, "w") as f:
            f.write("[run]\ndims = 1\nt_end_days = 0.5\ndx_mm = 0.02\ndepth_mm = 2\n\n"
                    "[output]\ninterval_days = 0.25\nobservables_interval_days = 0.25\n\n"
                    "[device]\ntype = probe_stamp\ndepth_mm = 1.0\nchannels_per_cm2 = 200\n\n"
                    "[treatment]\nsession_days = 0\n")
        out = os.path.join(tmp, "probe.nc")
        run([dermis, "run", ini, "-o", out, "--quiet"], tmp, timeout=600)
        import h5py
        import numpy as np
        with h5py.File(out, "r") as f:
            if "probe_cells" not in f:
                fail("the output lacks the new field")
            units = f["probe_cells"].attrs["units"]
            if (units.decode() if isinstance(units, bytes) else str(units)) != "mm-3":
                fail("the new field's units are %r, not mm-3" % units)
            pc = f["probe_cells"][...]
            if not (np.nanmax(pc[0]) == 400.0 and np.nanmin(pc[-1]) < 400.0):
                fail("probe_cells: expected its baseline 400 before the session and injured voxels after it")
            obs = f["observables"]
            t = obs["time"][...]
            if not np.array_equal(obs["probe_time_days"][...], t):
                fail("the observable probe_time_days is not the time")
            if "probe_cells_mean" not in obs:
                fail("the observables lack the new field's region means")
            devices = [d.decode() if isinstance(d, bytes) else str(d) for d in f["sessions"]["session_device"][...]]
            if devices != ["probe_stamp"]:
                fail("session_device is %s, not the new device" % devices)
            n_rows = len(t)
        print("ok: dermis run writes probe_cells, probe_cells_mean and probe_time_days; the session used probe_stamp")
        with open(out + ".csv") as f:  # the example output format
            lines = f.read().splitlines()
        times = [float(line.split(",")[0]) for line in lines[1:]]
        if len(times) != n_rows or not np.array_equal(np.array(times), t):
            fail("the CSV writer wrote %d rows at %s, the netCDF file has %d at %s" % (len(times), times, n_rows, list(t)))
        print("ok: the registered CSV writer wrote the %d observable rows next to the output" % n_rows)

        # The registry refuses rows whose columns disagree or that lack a column.
        head = '"probe cell density (cells per mm^3)", DERMIS_TRANSPORT_FIBROBLAST, DERMIS_PARAM(probe_cell_diffusivity_mm2_per_day)'
        expect_build_failure(tree, build, "model/species.h", head, head.replace("FIBROBLAST", "NONE"),
                             r"species probe_cells: a mobile field needs DERMIS_PARAM\(diffusivity\), an immobile one")
        expect_build_failure(tree, build, "model/species.h", head, head.replace("DERMIS_PARAM(probe_cell_diffusivity_mm2_per_day)", "DERMIS_NO_PARAM"),
                             r"species probe_cells: a mobile field needs DERMIS_PARAM\(diffusivity\)")
        expect_build_failure(tree, build, "model/species.h", head,
                             head.replace("FIBROBLAST", "NONE").replace("DERMIS_PARAM(probe_cell_diffusivity_mm2_per_day)", "DERMIS_NO_PARAM"),
                             r"species probe_cells: an immobile field cannot follow a chemoattractant")
        expect_build_failure(tree, build, "model/species.h", "DERMIS_INJURY_DESTROY, DERMIS_SCALE_PARAM(probe_cell_baseline_per_mm3)",
                             "DERMIS_SCALE_PARAM(probe_cell_baseline_per_mm3)", r"requires \d+ arguments, but only \d+ given")
    print("extension points: field, device, observable and output format each added by the files the doc lists")


if __name__ == "__main__":
    main()
