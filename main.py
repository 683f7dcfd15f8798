"""Poké Concurrency Lab. Run ``python main.py --help`` for the options."""

import sys

from gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
