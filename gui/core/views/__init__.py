"""The Qt-free halves of the window's views: what they show, worked out where a test can read it.

- ``timeline_pieces``: spans flattened into pieces, rows, band titles and tooltips; the timeline
  widget only scales them to pixels and picks colours.
- ``explain``: a finished run in plain words, with its own numbers, and the code that ran it.
"""
