"""Poké Concurrency Lab: see concurrency happen, one Pokémon request at a time.

Layout (each package only imports the ones above it):

- ``gui.core``   the Qt-free engine: dataset, run settings, trace model, modes, statistics, exports.
- ``gui.server`` the local PokéAPI-compatible server with adjustable network conditions.
- ``gui.qt``     the Qt window; it reads the core's model and sends it commands.
"""

__version__ = "0.1.0"
