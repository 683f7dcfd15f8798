"""The stories speak plainly: no command lines, and every glossary word said plainly the first time
the lessons use it, in the order they are taught; the glossary finds its words as a reader writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from gui.core.lessons.catalogue import LESSONS
from gui.core.lessons.glossary import GLOSSARY, TERMS, Term, find_terms, first_uses

# The words issue 21 names, which a learner with no background cannot be assumed to know.
NAMED_IN_THE_ISSUE = (
    *("thread", "process", "GIL", "event loop", "coroutine", "lock", "race", "deadlock", "future", "promise"),
    *("pipeline", "pickle", "pipe", "system call", "core"),
)
COMMAND_LINE = re.compile(r"(?<!\w)--\w|\bpython3?\s+\S+\.py\b|\bmain\.py\b|\bpython\s+-m\b", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """A story's sentences: a full stop, a question or exclamation mark, then a space or a new paragraph."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("e.g.", "eg")) if s.strip()]


def defines(sentence: str, term: Term) -> bool:
    """Whether ``sentence`` says what ``term`` is: "A thread is ...", "The GIL (global interpreter lock)
    is ...", "To pickle is ...", "a queue (a line of messages ...)", "a request, a message ..."."""
    names = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in sorted(term.forms, key=len, reverse=True))
    saying = r"(?:\s*\([^)]*\))?(?:\s+(?:is|are|means)\b|,\s+(?:a|an)\s|\s+\((?:a|an|the)\s)"
    return re.search(rf"(?<![\w-])(?:{names})(?![\w-]){saying}", sentence, re.IGNORECASE) is not None


def undefined_first_uses(stories: Iterable[tuple[str, str]]) -> list[str]:
    """For stories read in order: each glossary word whose first use, in the first story that uses it,
    is in a sentence that does not say what it is. A word a story before already explained needs nothing."""
    explained: set[str] = set()
    problems = []
    for lesson_id, story in stories:
        said = sentences(story)
        for use in first_uses(story):
            if use.term.name in explained:
                continue
            sentence = next(s for s in said if story.find(s) <= use.start < story.find(s) + len(s))
            if not defines(sentence, use.term):
                problems.append(f"{lesson_id}: {use.term.name!r} first used, not explained, in: {sentence!r}")
            explained.add(use.term.name)
    return problems


def test_no_story_holds_a_command_line() -> None:
    for spec in LESSONS.values():
        assert not COMMAND_LINE.search(spec.narrative), f"{spec.id}: {COMMAND_LINE.search(spec.narrative)}"
        for variant in spec.variants:
            assert not COMMAND_LINE.search(variant.caption), f"{spec.id}/{variant.name}: {variant.caption}"


def test_the_command_line_check_would_catch_one() -> None:
    for story in ("run it with --headless --lesson gil", "python main.py does it", "see python -m pytest"):
        assert COMMAND_LINE.search(story), story
    assert not COMMAND_LINE.search("two threads - one GIL - take turns; a read-only future")


def test_every_word_the_issue_names_is_in_the_glossary_and_the_stories_use_it() -> None:
    stories = " ".join(spec.narrative for spec in LESSONS.values())
    used = {use.term.name for use in find_terms(stories)}
    for name in NAMED_IN_THE_ISSUE:
        assert name in GLOSSARY, f"{name!r} is not in the glossary"
        assert name in used, f"no story uses {name!r}"


def test_every_glossary_word_is_used_by_some_story_and_defined_in_one_sentence() -> None:
    stories = " ".join(spec.narrative for spec in LESSONS.values())
    used = {use.term.name for use in find_terms(stories)}
    for term in TERMS:
        assert term.name in used, f"the glossary explains {term.name!r}, which no story uses"
        assert len(sentences(term.definition)) == 1, term.name
        assert defines(term.definition, term), f"the definition of {term.name!r} does not say what it is"


def test_in_teaching_order_each_word_is_explained_the_first_time_a_story_uses_it() -> None:
    assert undefined_first_uses((spec.id, spec.narrative) for spec in LESSONS.values()) == []


def test_a_word_used_before_the_lesson_that_explains_it_is_caught() -> None:
    lessons = [(spec.id, spec.narrative) for spec in LESSONS.values()]
    gil = next(i for i, (lesson_id, _) in enumerate(lessons) if lesson_id == "gil")
    early = ("early", "Two threads take turns because of the GIL, whatever the machine.")
    problems = undefined_first_uses([*lessons[:gil], early, *lessons[gil:]])
    assert problems == [
        "early: 'GIL' first used, not explained, in: 'Two threads take turns because of the GIL, whatever the machine.'"
    ]
    assert undefined_first_uses(lessons[gil + 1 :])  # without the gil lesson, its words come unexplained


def test_every_story_is_one_idea_a_paragraph() -> None:
    for spec in LESSONS.values():
        paragraphs = spec.narrative.split("\n\n")
        assert 2 <= len(paragraphs) <= 6, f"{spec.id}: {len(paragraphs)} paragraphs"
        for paragraph in paragraphs:
            assert paragraph.strip() == paragraph and "\n" not in paragraph, f"{spec.id}: {paragraph!r}"
            assert 1 <= len(sentences(paragraph)) <= 4, f"{spec.id}: a paragraph of many ideas: {paragraph!r}"


def test_the_pipeline_story_says_who_barbara_liskov_is_and_what_her_promise_pipelines_were_for() -> None:
    story = LESSONS["pipeline"].narrative
    about = [s for s in sentences(story) if "Liskov" in s or "she " in s]
    assert len(about) == 2 and "computer scientist" in about[0] and "promise pipelines" in about[1]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Two Threads and a THREAD", ["thread", "thread"]),
        ("coroutines await; an event  loop runs them", ["coroutine", "await", "event loop"]),
        ("processes, cores, locks, races, futures, pipes", ["process", "core", "lock", "race", "future", "pipe"]),
        ("the global interpreter lock (the GIL)", ["GIL", "GIL"]),
        ("a race condition, then context switches", ["race", "context switch"]),
        ("threading, traced, unlocked, pipelines, pipe-like, coreless", ["pipeline"]),
        ("a thread's clock", ["thread"]),
    ],
)
def test_the_glossary_finds_its_words_whole_in_any_case_and_plural(text: str, found: list[str]) -> None:
    assert [use.term.name for use in find_terms(text)] == found


def test_a_use_spans_the_words_as_written_and_first_uses_keeps_one_per_word() -> None:
    text = "Threads wait. A thread runs; threads take turns with a Lock."
    uses = find_terms(text)
    assert [text[use.start : use.end] for use in uses] == ["Threads", "thread", "threads", "Lock"]
    assert [(use.term.name, use.start) for use in first_uses(text)] == [("thread", 0), ("lock", text.index("Lock"))]


def test_the_glossary_lists_its_words_in_the_order_the_lessons_first_use_them() -> None:
    met: list[str] = []
    for spec in LESSONS.values():
        met += [use.term.name for use in first_uses(spec.narrative) if use.term.name not in met]
    assert [term.name for term in TERMS] == met
