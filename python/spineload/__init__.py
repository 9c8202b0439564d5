"""spineload: loads on a woman's spine through pregnancy and the postpartum year.

The engine from Python: models, postures (from a dict, a YAML file, the built-in ones or
the task library), analyses with results as numpy arrays, and timelines and what-if
comparisons as pandas DataFrames with the command line's CSV columns. It reports
mechanics (forces and moments computed by a model), not a diagnosis or medical advice.

    import spineload
    model = spineload.default_model()
    result = spineload.analyze(model, spineload.posture(model, {"name": "bent", "rhythms": {"trunk_flexion": 20}}))
    result.compression_N[0, result.levels.index("L5_S1")]
"""
import io
import json
import os
import sys
import time
import types

from ._core import (  # noqa: F401  (the engine's own names)
    MECHANICS_NOTICE,
    InputError,
    Model,
    NumericalError,
    Posture,
    Result,
    analyze,
    builtin_posture,
    builtin_postures,
    default_model,
    import_osim,
    posture_file,
    task_list,
    task_posture,
    version,
)
from . import _core

__all__ = [
    "MECHANICS_NOTICE", "InputError", "Model", "NumericalError", "Posture", "Result", "analyze", "builtin_posture",
    "builtin_postures", "claims", "cohort", "compare", "day", "default_model", "import_osim", "posture", "posture_file", "subject_model",
    "task_list", "task_posture", "timeline", "version",
]


def _text_of(value, what):
    """A dict as the engine's YAML (JSON is YAML), or a file's text with its name."""
    if isinstance(value, dict):
        return json.dumps(value), "<" + what + " dict>"
    path = os.fspath(value)
    with open(path, encoding="utf-8") as f:
        return f.read(), path


def posture(model, spec):
    """A posture on `model` from a dict (the posture file's fields) or a posture file's path."""
    if isinstance(spec, dict):
        text, name = _text_of(spec, "posture")
        return _core._posture_text(model, text, name)
    return posture_file(model, os.fspath(spec))


def subject_model(subject):
    """Her model at her stage, from a subject dict or file (the subject file's fields)."""
    text, name = _text_of(subject, "subject")
    return _core._subject_model(text, name)


def _frame(csv_text):
    import pandas as pd

    return pd.read_csv(io.StringIO(csv_text))


def timeline(subject, posture="standing", task="", settings=(), start="pregnant:0", stop="postpartum:52", step="2w",
             solver="fast"):
    """One posture's (or task's) loads and capacity at every stage: a DataFrame with the
    columns of `spineload timeline -o`'s timeline.csv."""
    text, name = _text_of(subject, "subject")
    return _frame(_core._timeline_csv(text, name, os.fspath(posture), task, list(settings), start, stop, step, solver))


def compare(task, vary, settings=(), subject=None, solver="fast"):
    """A task with one parameter varied ("table_height_cm=70:100:5"): a DataFrame with the
    columns of `spineload compare -o`'s compare.csv."""
    text, name = _text_of(subject, "subject") if subject is not None else (None, "")
    return _frame(_core._compare_csv(task, vary, list(settings), text, name, solver))


def day(schedule, subject=None, solver="fast"):
    """A day of tasks (a schedule dict or file): `.tasks` and `.capacity`, DataFrames with the
    columns of `spineload day -o`'s day_tasks.csv and day_capacity.csv."""
    text, name = _text_of(schedule, "schedule")
    subject_text, subject_name = _text_of(subject, "subject") if subject is not None else (None, "")
    tasks, capacity = _core._day_csvs(text, name, subject_text, subject_name, solver)
    return types.SimpleNamespace(tasks=_frame(tasks), capacity=_frame(capacity))


def claims(subject=None, solver="fast"):
    """What mothers are told about back pain, each put to the model (`spineload claims`): a
    DataFrame with claims.csv's columns, a row per figure (claim, verdict, claim_text,
    experiment, answer, limits, figure, value, unit)."""
    subject_text, subject_name = _text_of(subject, "subject") if subject is not None else (None, "")
    return _frame(_core._claims_csv(subject_text, subject_name, solver))


class _Progress:
    """The command line's progress on stderr: after two seconds, subjects done, the rate and
    the time left, redrawn in place on a terminal (a line every 30 s otherwise)."""

    def __init__(self):
        self.start = self.last = time.monotonic()
        self.shown = False

    def __call__(self, done, total):
        now = time.monotonic()
        if now - self.start < 2:
            return
        rate = done / (now - self.start)
        text = f"  subjects {done}/{total}  {rate:.0f}/s  about {(total - done) / max(rate, 1e-9):.0f} s left"
        if sys.stderr.isatty():
            self.shown = True
            sys.stderr.write("\r" + text.ljust(70))
            sys.stderr.flush()
        elif now - self.last >= 30:
            self.last = now
            sys.stderr.write(text + "\n")

    def close(self):
        if self.shown:
            sys.stderr.write("\r" + " " * 70 + "\r")


def cohort(spec, threads=None, progress=True, solver="fast"):
    """A sampled population of mothers (a cohort dict or file): a DataFrame with the columns
    of `spineload cohort -o`'s cohort.csv, its summary text in `.attrs["summary"]`. `threads`
    defaults to every core; with `progress` it reports on stderr as the command line does (or
    calls `progress(done, total)` when it is a function)."""
    text, name = _text_of(spec, "cohort")
    reporter = progress if callable(progress) else _Progress() if progress else None
    try:
        rows, summary = _core._cohort_csv(text, name, threads or _core._hardware_threads(), solver, reporter)
    finally:
        if isinstance(reporter, _Progress):
            reporter.close()
    frame = _frame(rows)
    frame.attrs["summary"] = summary
    return frame
