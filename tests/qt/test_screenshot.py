"""``main.py --screenshot`` runs a workload to the end with no display and saves the window."""

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gui.core.segments import Segment
from gui.qt.theme import segment_color

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_saves_a_png_of_the_finished_run(tmp_path: Path, qapp: QApplication) -> None:
    target = tmp_path / "shot.png"
    done = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--screenshot",
            str(target),
            "--mode",
            "threads",
            "-n",
            "24",
            "-c",
            "4",
            "--latency-ms",
            "60",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert image.width() >= 1000 and image.height() >= 600
    green = segment_color(Segment.WAITING, False).rgb()
    hits = sum(image.pixel(x, y) == green for y in range(0, image.height(), 3) for x in range(0, image.width(), 3))
    assert hits > 200, "the picture shows no timeline bars"
