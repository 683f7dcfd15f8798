"""The Qt-free core. Nothing in this package may import PySide6 (a test enforces it)."""
