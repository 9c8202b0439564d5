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
    "builtin_postures", "compare", "default_model", "import_osim", "posture", "posture_file", "subject_model",
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
