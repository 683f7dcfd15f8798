"""The learner's glossary: each word a lesson's story leans on, said once in one plain sentence.

The stories explain a word in their own sentence the first time the lessons use it; the window
links every glossary word of a story to its definition here, so a learner who skipped a lesson, or
forgot, can look it up without leaving the page. ``find_terms`` is what finds them in a text.
(``docs/glossary.md`` is the other glossary: the app's own words, for its readers and developers.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple


@dataclass(frozen=True)
class Term:
    name: str  # as the glossary lists it: "event loop"
    definition: str  # one plain sentence, for a learner with no background
    also: tuple[str, ...] = ()  # other names for the same thing: "global interpreter lock"

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way a text may write it, singular and plural."""
        names = (self.name, *self.also)
        return tuple(dict.fromkeys(form for name in names for form in (name, plural(name))))


# In the order the lessons first use them (gui.core.lessons.catalogue.LESSONS).
TERMS: tuple[Term, ...] = (
    Term(
        "request",
        "A request is one message asking a server for something, here the data of one Pokémon; its answer comes "
        "back over the network.",
    ),
    Term(
        "server",
        "A server is a program that answers requests; the one in this app runs on this computer and waits on "
        "purpose before it answers, as a server far away would.",
    ),
    Term(
        "thread",
        "A thread is one line of work inside a program, doing one thing after another; a program can run "
        "several threads side by side.",
    ),
    Term(
        "coroutine",
        "A coroutine is a function that can pause in the middle, at an await, and carry on later, so that one "
        "thread can take turns between many of them.",
    ),
    Term(
        "await",
        "To await is to pause a coroutine until what it needs is ready (an answer, a timer, a result), so that "
        "the event loop can run other coroutines meanwhile.",
    ),
    Term(
        "event loop",
        "An event loop is what runs coroutines on one thread, one at a time: it runs one until it awaits, then another "
        "whose wait is over.",
    ),
    Term("asyncio", "asyncio is the part of Python's standard library that provides coroutines and an event loop."),
    Term(
        "core",
        "A core is one of the computer's processors: it runs one thread at a time, so a machine with two cores "
        "can really compute two things at once.",
    ),
    Term(
        "GIL",
        "The GIL (global interpreter lock) is a rule inside the usual Python, CPython: only the thread holding it "
        "may run Python code, so the threads of one process take turns to compute.",
        also=("global interpreter lock",),
    ),
    Term(
        "process",
        "A process is a running program with memory of its own; a program can start worker processes, each one "
        "a separate Python.",
    ),
    Term(
        "interpreter",
        "The interpreter is the program that runs Python code; every process has its own, with its own GIL.",
    ),
    Term(
        "blocking call",
        "A blocking call is one that keeps its thread busy until it returns, without awaiting, so on an event "
        "loop's thread nothing else can run meanwhile.",
    ),
    Term(
        "lane",
        "A lane is one row of the timeline that belongs to one worker, with that worker's requests one after another.",
    ),
    Term(
        "heartbeat",
        "The heartbeat is a tiny timer the app asks the event loop to run every 10 ms; when it comes late, the "
        "loop was stuck for that long.",
    ),
    Term(
        "switch interval",
        "The switch interval is how long Python lets one thread keep the GIL while another thread is waiting for "
        "it: 5 ms unless a program changes it.",
    ),
    Term(
        "worker",
        "A worker is whatever does a run's fetching: a thread, a process or a coroutine.",
    ),
    Term(
        "operating system",
        "The operating system (Linux, Windows, macOS) is the program that shares the computer among all the "
        "others: it decides which thread runs on which core, and when.",
    ),
    Term(
        "context switch",
        "A context switch is the operating system taking one thread off a core and putting another one on; each "
        "one costs a little time.",
    ),
    Term("CPU time", "CPU time is the time a program really spent running on a core, not waiting."),
    Term(
        "lock",
        "A lock is a token only one worker can hold at a time: the others that want it wait until it is given back.",
    ),
    Term("queue", "A queue is a line of messages: one side puts them in, the other takes them out in the same order."),
    Term(
        "pickle",
        "To pickle is to turn a Python value into bytes, so that it can be sent to another process and turned "
        "back into the value there.",
    ),
    Term("pipe", "A pipe is a channel between two processes: bytes written at one end come out at the other."),
    Term(
        "shared memory",
        "Shared memory is memory that several processes can all see; otherwise each process sees only its own.",
    ),
    Term(
        "system call",
        "A system call is a program asking the operating system to do something for it, such as putting a "
        "thread to sleep until a lock is free; it costs more than an ordinary step of the program.",
    ),
    Term(
        "race",
        "A race (a race condition) is a bug whose result depends on which thread happens to run when: two "
        "threads read the same number, both write back one more, and one of the additions is lost.",
        also=("race condition",),
    ),
    Term(
        "deadlock",
        "A deadlock is two or more workers each waiting for a lock another of them holds, so that none of them "
        "can ever go on.",
    ),
    Term(
        "wait-for graph",
        "A wait-for graph is a drawing with an arrow from each waiting worker to the worker holding what it "
        "waits for; a loop of arrows is a deadlock.",
    ),
    Term(
        "future",
        "A future is a placeholder for a result that is not known yet: whoever needs the result waits on it, "
        "and all of them get the result once it is set.",
    ),
    Term(
        "promise",
        "A promise is the writing side of a future: the one place that sets its result, or its error, once.",
    ),
    Term(
        "barrier",
        "A barrier is a point where a program waits until every piece of work started before it has finished.",
    ),
    Term(
        "pipeline",
        "A pipeline is a way of working in which each item goes on to its next step as soon as its own previous "
        "step is done, without waiting for the other items.",
    ),
)

GLOSSARY: dict[str, Term] = {term.name: term for term in TERMS}


class TermUse(NamedTuple):
    """Where a text uses a glossary term: ``text[start:end]`` is the words as written."""

    term: Term
    start: int
    end: int


def plural(name: str) -> str:
    """ "threads", "processes", "event loops", "context switches": the last word takes the ending."""
    if name.endswith(("s", "x", "ch", "sh")):
        return name + "es"
    return name + "s"


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, Term]]:
    by_form = {form.lower(): term for term in TERMS for form in term.forms}
    longest_first = sorted(by_form, key=len, reverse=True)  # "global interpreter lock" before "lock"
    words = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in longest_first)
    # Whole words: not "threading", "trace", "unlocked" or "pipeline" for "pipe" (nor a hyphenated word's part).
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE), by_form


def find_terms(text: str) -> list[TermUse]:
    """Every use of a glossary term in ``text``, in order, whole words, any case, singular or plural.

    Uses never overlap: where a longer term holds a shorter one ("global interpreter lock", "lock"),
    the longer one is the use.
    """
    pattern, by_form = _pattern()
    return [
        TermUse(by_form[" ".join(match.group().lower().split())], match.start(), match.end())
        for match in pattern.finditer(text)
    ]


def first_uses(text: str) -> list[TermUse]:
    """The first use of each glossary term in ``text``, in order: what the window links."""
    seen: set[str] = set()
    firsts = []
    for use in find_terms(text):
        if use.term.name not in seen:
            seen.add(use.term.name)
            firsts.append(use)
    return firsts
