"""Every lesson, listed once: each runs some of the modes side by side and proves one point.

A lesson is a module beside this one with one ``LESSON`` (a ``LessonSpec``); adding one is that
module and one line here. The window's lesson menu and keys, ``--lesson`` and the tests read this.
"""

from __future__ import annotations

from gui.core.lessons import blocking, deadlock, futures, gil, io_bound, memory, pipeline, race, slivers, sweep
from gui.core.lessons.lesson import LessonSpec

LESSONS: dict[str, LessonSpec] = {
    x.id: x
    for x in (
        io_bound.LESSON,
        gil.LESSON,
        blocking.LESSON,
        slivers.LESSON,
        sweep.LESSON,
        memory.LESSON,
        race.LESSON,
        deadlock.LESSON,
        futures.LESSON,
        pipeline.LESSON,
    )
}


def lesson_spec(lesson_id: str) -> LessonSpec:
    """The lesson ``lesson_id``; a KeyError names the lessons there are."""
    try:
        return LESSONS[lesson_id]
    except KeyError:
        raise KeyError(f"no lesson {lesson_id!r}; the lessons are {', '.join(LESSONS)}") from None
