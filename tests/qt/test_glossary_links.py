"""The Lesson dock's story links its glossary words: activating one shows that word's definition."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.glossary import GLOSSARY, first_uses
from gui.qt.lesson_page import LINK_HEX, TERM_SCHEME, LessonPage, term_of
from gui.qt.main_window import MainWindow
from gui.qt.theme import high_contrast_palette
from tests.qt.conftest import LoopRunner

pytestmark = pytest.mark.timeout(60)
LINK = re.compile(r'<a href="([^"]+)" style="color: (#[0-9a-f]{6})">([^<]*)</a>')


def links(page: LessonPage) -> list[tuple[str, str, str]]:
    """(href, colour, words) of every link in the story, in order."""
    return LINK.findall(page.narrative.text())


def plain(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_tabbing_to_a_glossary_link_and_pressing_enter_shows_its_definition(
    window: MainWindow, loop: LoopRunner
) -> None:
    window.lessons.open("gil")
    page = window.lesson_page
    loop.until(lambda: page.narrative.isVisible())  # laid out in the Lesson dock
    story = lesson_spec("gil").narrative
    assert [term_of(href) for href, _, _ in links(page)] == [use.term.name for use in first_uses(story)]
    first = links(page)[0]
    assert first[0] == TERM_SCHEME + "core" and first[2] == "core"  # the first glossary word of the gil story
    assert not page.definition.isVisible()
    page.narrative.setFocus()
    QTest.keyClick(page.narrative, Qt.Key.Key_Tab)  # to the story's first link, as a keyboard user would
    QTest.keyClick(page.narrative, Qt.Key.Key_Return)
    assert page.definition.isVisible() and page.definition.term == "core"
    assert page.definition.text() == GLOSSARY["core"].definition
    top, line_h = page.narrative.mapToGlobal(QPoint(0, 0)).y(), page.narrative.fontMetrics().height()
    screen_bottom = page.narrative.screen().availableGeometry().bottom() - page.definition.height()
    assert top < page.definition.y() <= min(top + 4 * line_h + 20, screen_bottom + 1)  # under the link, not afar
    QTest.keyClick(page.narrative, Qt.Key.Key_Tab)  # the next link, "thread": its definition replaces it
    QTest.keyClick(page.narrative, Qt.Key.Key_Return)
    assert page.definition.term == "thread" and page.definition.text() == GLOSSARY["thread"].definition
    QTest.keyClick(page.narrative, Qt.Key.Key_Escape)
    assert not page.definition.isVisible()


def test_each_glossary_word_is_linked_once_and_the_story_reads_as_written(window: MainWindow, loop: LoopRunner) -> None:
    window.lessons.open("memory")
    page = window.lesson_page
    story = lesson_spec("memory").narrative
    words = [term_of(href) for href, _, _ in links(page)]
    assert "lock" in words and len(words) == len(set(words))
    assert plain(page.narrative.text()).split("\n") == story.split("\n\n")  # one paragraph a block, word for word


def test_a_story_with_markup_characters_is_shown_as_text(window: MainWindow, loop: LoopRunner) -> None:
    spec = dataclasses.replace(lesson_spec("race"), narrative='If a < b & "c" <b>holds</b>, a thread waits.\n\nThen.')
    page = window.lesson_page
    page.show_lesson(spec)
    assert plain(page.narrative.text()).split("\n") == ['If a < b & "c" <b>holds</b>, a thread waits.', "Then."]
    assert [term_of(href) for href, _, _ in links(page)] == ["thread"]


def test_the_links_colour_reads_on_light_dark_and_presenter_palettes(
    window: MainWindow, loop: LoopRunner, qapp: QApplication
) -> None:
    window.lessons.open("io-bound")
    page = window.lesson_page
    saved = qapp.palette()
    try:
        for dark in (False, True):
            qapp.setPalette(high_contrast_palette(dark))  # presenter mode's black on white, white on black
            loop.until(lambda: {colour for _, colour, _ in links(page)} == {LINK_HEX[dark]})  # noqa: B023
            paper = page.palette().color(page.backgroundRole())
            assert contrast(LINK_HEX[dark], paper.name()) >= 4.5
        for dark, paper_hex in ((False, "#ffffff"), (True, "#1f2226")):  # the light and dark themes' windows
            assert contrast(LINK_HEX[dark], paper_hex) >= 4.5
    finally:
        qapp.setPalette(saved)


def contrast(a_hex: str, b_hex: str) -> float:
    """WCAG's contrast ratio of two colours."""

    def luminance(hex_color: str) -> float:
        channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a_hex), luminance(b_hex)), reverse=True)
    return (high + 0.05) / (low + 0.05)
