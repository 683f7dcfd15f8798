"""The top of the core: what a front end drives.

- ``lab``: start a run, stop it, compare settings, pump the run's events into its model.
- ``replay``: a finished run's events again in time order, and its model at any moment;
  ``playback_clock`` is the clock a replay plays on.

The window (``gui.qt``) and the command line (``gui.cli``, ``gui.headless``) sit above this.
"""
