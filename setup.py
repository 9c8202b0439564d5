"""Builds `import spineload`'s compiled part with the project's CMake for `pip install .`.

The module target (spineload_python) is built in SPINELOAD_CMAKE_BUILD_DIR when set (an
already configured build, such as build/release after the README's first command: then
nothing is compiled again), else in build/pip, configured here with what the module needs.
"""
import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("SPINELOAD_CMAKE_BUILD_DIR") or os.path.join(HERE, "build", "pip")
        if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
            subprocess.run(["cmake", "-S", HERE, "-B", build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
                            "-DSPINELOAD_BUILD_TESTS=OFF", "-DSPINELOAD_BUILD_BENCH=OFF", "-DSPINELOAD_VIEWER=OFF",
                            "-DSPINELOAD_PYTHON=ON", f"-DPython3_EXECUTABLE={sys.executable}"], check=True)
        subprocess.run(["cmake", "--build", build_dir, "--target", "spineload_python", "-j", str(os.cpu_count() or 1)],
                       check=True)
        [built] = glob.glob(os.path.join(build_dir, "python", "spineload", "_core*.so"))
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built, target)


setup(ext_modules=[Extension("spineload._core", sources=[])], cmdclass={"build_ext": CMakeBuild})
