import sys

from gui.server.cli import main

sys.exit(main())
