"""``main.py --screenshot`` runs a workload to the end with no display and saves the window."""

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gui.core.model.segments import Segment
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


def green_row_clusters(image: QImage, gap_px: int = 15) -> int:
    """How many vertical groups of rows hold the waiting colour, split by gaps taller than ``gap_px``."""
    green = segment_color(Segment.WAITING, False).rgb()
    rows = [y for y in range(image.height()) if any(image.pixel(x, y) == green for x in range(0, image.width(), 4))]
    return sum(1 for above, below in zip(rows, rows[1:], strict=False) if below - above > gap_px) + bool(rows)


def test_a_comparison_screenshot_shows_one_band_per_mode(tmp_path: Path, qapp: QApplication) -> None:
    target = tmp_path / "compare.png"
    done = subprocess.run(
        [sys.executable, "main.py", "--screenshot", str(target), "--compare", "threads,asyncio", "-n", "30",
         "--latency-ms", "40", "--no-history"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    timeline = image.copy(250, 60, 950, 560)  # the timeline's part of the 1440 x 900 window
    assert green_row_clusters(timeline) == 2
