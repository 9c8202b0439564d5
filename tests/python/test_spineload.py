"""`import spineload` against the command line: the same inputs give the same numbers,
threads give the numbers one thread gives, and bad input raises InputError naming the
field (and file and line for files)."""
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading

import numpy as np
import pytest

import spineload

SOURCE = os.environ["SPINELOAD_SOURCE_DIR"]
CLI = os.environ["SPINELOAD_CLI"]


def run_cli(*args, out):
    subprocess.run([CLI, *args, "-o", out], check=True, capture_output=True, cwd=SOURCE)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_version_and_notice():
    assert spineload.version().count(".") == 2
    assert "not a diagnosis" in spineload.MECHANICS_NOTICE


def test_the_default_model_is_the_command_lines():
    model = spineload.default_model()
    assert model.height_m == pytest.approx(1.65)
    assert model.mass_kg == pytest.approx(62.0)
    assert "L5_S1" in model.levels and "T12_L1" in model.levels
    assert len(model.muscles) > 100
    scaled = spineload.default_model(height_m=1.74, mass_kg=70)
    assert scaled.mass_kg == pytest.approx(70.0)


def test_a_posture_file_gives_the_command_lines_loads(tmp_path):
    path = os.path.join(SOURCE, "examples", "posture.yaml")
    run_cli("analyze", path, "--format", "json", out=str(tmp_path))
    [written] = [f for f in os.listdir(tmp_path) if f.endswith(".json")]
    with open(tmp_path / written) as f:
        cli = json.load(f)
    model = spineload.default_model()
    result = spineload.analyze(model, spineload.posture(model, path))
    assert result.compression_N.shape == (len(result.time_s), len(result.levels))
    frame = cli["frames"][0]
    for level in frame["levels"]:
        k = result.levels.index(level["level"])
        # The JSON writes full precision: the same computation, the same number.
        assert result.compression_N[0, k] == pytest.approx(level["compression_N"], rel=1e-12, abs=1e-9)
        assert result.shear_ap_N[0, k] == pytest.approx(level["shear_ap_N"], rel=1e-12, abs=1e-9)
    assert result.status[0] == "ok"
    assert not result.beyond_muscle_capacity
    # Per muscle and coordinate arrays, named.
    assert result.muscle_force_N.shape == (len(result.time_s), len(result.muscles))
    assert result.net_moment_Nm.shape == (len(result.time_s), len(result.coordinates))
    assert np.all(result.activation >= 0) and np.all(result.activation <= 1)


def test_a_posture_dict_is_a_posture_file():
    model = spineload.default_model()
    spec = {"name": "bent", "rhythms": {"trunk_flexion": 30}, "loads": [{"type": "hand_mass", "mass_kg": 4, "hands": "both"}]}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump(spec, f)
    try:
        from_file = spineload.analyze(model, spineload.posture(model, f.name))
    finally:
        os.unlink(f.name)
    from_dict = spineload.analyze(model, spineload.posture(model, spec))
    np.testing.assert_array_equal(from_dict.compression_N, from_file.compression_N)
    upright = spineload.analyze(model, spineload.builtin_posture(model, "standing_relaxed"))
    l5 = upright.levels.index("L5_S1")
    assert from_dict.compression_N[0, l5] > upright.compression_N[0, l5]


def test_threads_give_what_one_thread_gives():
    model = spineload.default_model()
    postures = [spineload.builtin_posture(model, n) for n in spineload.builtin_postures()]
    alone = [spineload.analyze(model, p).compression_N for p in postures]
    together = [None] * (3 * len(postures))

    def work(i):
        together[i] = spineload.analyze(model, postures[i % len(postures)]).compression_N

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(together))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, c in enumerate(together):
        np.testing.assert_array_equal(c, alone[i % len(postures)])


def test_bad_input_raises_input_error_naming_the_field(tmp_path):
    model = spineload.default_model()
    with pytest.raises(spineload.InputError) as bad:
        spineload.posture(model, {"name": "x", "coordinates": {"no_such_joint": 10}})
    assert "no_such_joint" in str(bad.value)
    assert isinstance(bad.value, ValueError)
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ncoordinates:\n  L5_S1_flexion: [1, 2\n")
    with pytest.raises(spineload.InputError) as broken:
        spineload.posture(model, path)
    assert broken.value.file == str(path)
    assert broken.value.line >= 3
    with pytest.raises(spineload.InputError) as task:
        spineload.task_posture(model, "no-such-task")
    assert task.value.field == "--task"
    with pytest.raises(spineload.InputError):
        spineload.default_model(height_m=3.0)


def test_a_posture_from_another_model_is_refused():
    small = spineload.default_model(height_m=1.55, mass_kg=55)
    other = spineload.default_model()
    with pytest.raises(spineload.InputError) as e:
        spineload.analyze(other, spineload.builtin_posture(small, "standing_relaxed"))
    assert e.value.field == "posture"


def test_timeline_and_compare_are_the_csv_files(tmp_path):
    subject = os.path.join(SOURCE, "examples", "timeline_subject.yaml")
    run_cli("timeline", "--subject", subject, "--posture", "standing", "--from", "pregnant:0", "--to", "postpartum:12",
            "--step", "12w", out=str(tmp_path / "t"))
    frame = spineload.timeline(subject, posture="standing", start="pregnant:0", stop="postpartum:12", step="12w")
    rows = read_csv(tmp_path / "t" / "timeline.csv")
    assert list(frame.columns) == list(rows[0].keys())
    assert len(frame) == len(rows)
    for column in frame.columns:
        for value, row in zip(frame[column], rows):
            if row[column] == "":
                assert value != value  # pandas reads an empty field as NaN
                continue
            try:
                expected = float(row[column])
            except ValueError:
                assert str(value) == row[column]
                continue
            assert float(value) == pytest.approx(expected, rel=1e-12)
    run_cli("compare", "--task", "change-diaper", "--vary", "table_height_cm=70:90:10", out=str(tmp_path / "c"))
    sweep = spineload.compare("change-diaper", "table_height_cm=70:90:10")
    rows = read_csv(tmp_path / "c" / "compare.csv")
    assert list(sweep.columns) == list(rows[0].keys())
    assert len(sweep) == 3
    l5 = [c for c in sweep.columns if "compression" in c][0]
    assert [float(v) for v in sweep[l5]] == pytest.approx([float(r[l5]) for r in rows], rel=1e-12)


def test_the_timeline_example_runs_headless_and_plots(tmp_path):
    script = os.path.join(SOURCE, "examples", "python", "timeline.py")
    done = subprocess.run([sys.executable, script, str(tmp_path)], check=True, capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    assert (tmp_path / "timeline_l5s1.png").stat().st_size > 1000
    # It prints the README's timeline (standing, every four weeks) and its L5/S1 extremes.
    assert "pregnant" in done.stdout and "postpartum" in done.stdout
    frame = spineload.timeline(os.path.join(SOURCE, "examples", "timeline_subject.yaml"), step="4w")
    first, peak = frame.iloc[0]["L5_S1_compression_N"], frame["L5_S1_compression_N"].max()
    assert f"{first:.0f} N before pregnancy, {peak:.0f} N at its highest" in done.stdout


def test_the_quickstart_prints_what_analyze_gives():
    script = os.path.join(SOURCE, "examples", "python", "quickstart.py")
    done = subprocess.run([sys.executable, script], check=True, capture_output=True, text=True)
    model = spineload.default_model()
    result = spineload.analyze(model, spineload.posture(model, {
        "name": "bend_with_baby", "rhythms": {"trunk_flexion": 35},
        "loads": [{"type": "hand_mass", "mass_kg": 6, "hands": "both"}]}))
    l5 = result.levels.index("L5_S1")
    assert f"L5/S1 compression {result.compression_N[0, l5]:.0f} N" in done.stdout


def test_day_is_the_day_files(tmp_path):
    schedule = os.path.join(SOURCE, "examples", "day_6_weeks.yaml")
    subject = os.path.join(SOURCE, "examples", "subject_6_weeks.yaml")
    run_cli("day", schedule, "--subject", subject, out=str(tmp_path))
    result = spineload.day(schedule, subject=subject)
    for frame, name in ((result.tasks, "day_tasks.csv"), (result.capacity, "day_capacity.csv")):
        rows = read_csv(tmp_path / name)
        assert list(frame.columns) == list(rows[0].keys())
        assert len(frame) == len(rows)


def test_claims_are_the_command_lines(tmp_path):
    run_cli("claims", out=str(tmp_path))
    frame = spineload.claims()
    rows = read_csv(tmp_path / "claims.csv")
    assert list(frame.columns) == list(rows[0].keys())
    assert len(frame) == len(rows)
    assert sorted(frame["claim"].unique()) == list(range(1, 11))
    walking = frame[(frame.claim == 3) & (frame.figure == "mean L5/S1 compression forwards, before pregnancy")]
    assert walking.value.iloc[0] == pytest.approx(float(next(r["value"] for r in rows if r["figure"] == walking.figure.iloc[0])))
    assert frame[frame.claim == 10].verdict.iloc[0] == "outside what the model can say"


def test_a_cohort_is_the_same_on_one_thread_or_two_and_is_the_command_lines(tmp_path):
    spec = {
        "name": "small", "n": 120, "seed": 3, "chunk": 40,
        "subject": {"stage": "postpartum", "week": {"uniform": {"min": 2, "max": 52}},
                    "infant_age_months": {"uniform": {"min": 0, "max": 12}}},
        "tasks": [{"task": "carry-on-hip"}],
    }
    calls = []
    one = spineload.cohort(spec, threads=1, progress=lambda done, total: calls.append((done, total)))
    assert calls and all(total == 120 and 0 <= done <= 120 for done, total in calls)
    two = spineload.cohort(spec, threads=2, progress=False)
    assert len(one) == 120
    assert one.equals(two)
    assert "L5/S1" in one.attrs["summary"]
    path = tmp_path / "small.yaml"
    path.write_text(json.dumps(spec))
    run_cli("cohort", str(path), "--threads", "2", out=str(tmp_path / "out"))
    rows = read_csv(tmp_path / "out" / "cohort.csv")
    assert list(one.columns) == list(rows[0].keys())
    column = [c for c in one.columns if "L5_S1_compression" in c][0]
    assert [float(v) for v in one[column]] == pytest.approx([float(r[column]) for r in rows], rel=1e-12)


def test_pip_installs_it_offline_into_a_venv(tmp_path):
    """`pip install .` as docs/python.md gives it: Debian's setuptools, no index, the module
    built by the project's CMake (here the build that runs these tests, so nothing compiles)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    env = {**os.environ, "SPINELOAD_CMAKE_BUILD_DIR": os.environ["SPINELOAD_BUILD_DIR"]}
    env.pop("PYTHONPATH", None)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", "--no-index", "--quiet", SOURCE],
                   check=True, env=env, cwd=tmp_path, capture_output=True)
    done = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import spineload; print(spineload.__file__); print(spineload.default_model().height_m)"],
                          check=True, env=env, cwd=tmp_path, capture_output=True, text=True)
    where, height = done.stdout.split()
    assert where.startswith(str(venv))
    assert float(height) == pytest.approx(1.65)
