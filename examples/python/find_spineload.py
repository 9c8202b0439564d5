"""How the examples find spineload when run from a clone: Debian's python3 has what
setup.sh installs (numpy, pandas, matplotlib), another python3 first on the PATH (pyenv,
conda) may not, so they run under Debian's then; and the module is taken from the README's
build (build/release/python) unless PYTHONPATH already gives it."""
import importlib
import os
import sys


def find_spineload(*needs):
    """Imports `needs` (module names), re-running the script under Debian's python3 when they
    are missing here, then returns the spineload module."""
    try:
        for name in needs:
            importlib.import_module(name)
    except ImportError:
        debian = "/usr/bin/python3"
        if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian):
            os.execv(debian, [debian, *sys.argv])
        raise
    try:
        return importlib.import_module("spineload")
    except ImportError:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "release", "python"))
        return importlib.import_module("spineload")
