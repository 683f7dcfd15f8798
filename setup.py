"""Ships the repository's top-level ``resources/`` inside the package, as ``gui.resources``.

Everything else is in pyproject.toml. This one mapping needs code: ``[tool.setuptools.packages.find]``
only finds packages under their own folders, and the data stays in ``resources/`` beside the
script that regenerates it. ``gui/core/workload/dataset.py`` finds it with ``importlib.resources``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["gui", "gui.*"]), "gui.resources", "gui.resources.data"],
    package_dir={"gui.resources": "resources"},
    package_data={"gui.resources.data": ["*.json", "*.md"]},
    exclude_package_data={"gui.resources": ["*.py"]},
)
