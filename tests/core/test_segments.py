"""How a request's life is cut into coloured pieces, including retries and a request still going."""

from gui.core.model.run_model import RunModel
from gui.core.model.segments import Segment, span_pieces
from gui.core.trace.events import EndEvent, Outcome, Phase, PhaseEvent, RetryEvent, Status
from gui.core.workload.jobs import Job


def model_with(*events: object) -> RunModel:
    model = RunModel([Job(0, "pikachu", "")])
    model.apply(events)  # type: ignore[arg-type]
    return model


def test_a_finished_request_is_queued_connecting_sending_waiting_downloading_parsing() -> None:
    times = {Phase.QUEUED: 0.0, Phase.STARTED: 0.1, Phase.CONNECTED: 0.11, Phase.SENT: 0.12,
             Phase.FIRST_BYTE: 0.3, Phase.RECEIVED: 0.35, Phase.PARSED: 0.36}  # fmt: skip
    model = model_with(*(PhaseEvent(0, p, t) for p, t in times.items()), EndEvent(0, 0.37, Outcome(Status.OK, 200)))
    pieces = span_pieces(model.spans[0], now=1.0, with_queue=True)
    assert [p.segment for p in pieces] == [Segment.QUEUED, Segment.CONNECTING, Segment.SENDING, Segment.WAITING,
                                           Segment.DOWNLOADING, Segment.PARSING]  # fmt: skip
    assert (pieces[3].t0, pieces[3].t1) == (0.12, 0.3)


def test_a_running_request_grows_until_now_in_the_phase_it_is_in() -> None:
    model = model_with(PhaseEvent(0, Phase.QUEUED, 0.0), PhaseEvent(0, Phase.STARTED, 0.1, "task 0"),
                       PhaseEvent(0, Phase.CONNECTED, 0.11), PhaseEvent(0, Phase.SENT, 0.12))  # fmt: skip
    last = span_pieces(model.spans[0], now=0.5, with_queue=False)[-1]
    assert (last.segment, last.t0, last.t1) == (Segment.WAITING, 0.12, 0.5)


def test_failed_tries_and_back_off_show_as_retrying_before_the_try_that_worked() -> None:
    model = model_with(
        PhaseEvent(0, Phase.QUEUED, 0.0), PhaseEvent(0, Phase.STARTED, 0.1, "task 0"),
        PhaseEvent(0, Phase.CONNECTED, 0.11), PhaseEvent(0, Phase.SENT, 0.12), PhaseEvent(0, Phase.FIRST_BYTE, 0.3),
        RetryEvent(0, 0.31, "HTTP 503", 1.0),
    )  # fmt: skip
    span = model.spans[0]
    assert span.retries == 1 and Phase.SENT not in span.t  # the next try's phases start over
    assert span_pieces(span, now=0.8, with_queue=False) == [(Segment.RETRYING, 0.1, 0.8)]  # still backing off
    model.apply([PhaseEvent(0, Phase.CONNECTED, 1.315), PhaseEvent(0, Phase.SENT, 1.32),
                 PhaseEvent(0, Phase.FIRST_BYTE, 1.5), PhaseEvent(0, Phase.RECEIVED, 1.51),
                 EndEvent(0, 1.52, Outcome(Status.OK, 200, retries=1))])  # fmt: skip
    pieces = span_pieces(span, now=2.0, with_queue=False)
    assert pieces[0] == (Segment.RETRYING, 0.1, 1.31)
    assert [p.segment for p in pieces[1:]] == [Segment.CONNECTING, Segment.SENDING, Segment.WAITING,
                                               Segment.DOWNLOADING, Segment.PARSING]  # fmt: skip


def test_a_failed_request_is_one_failed_piece() -> None:
    model = model_with(PhaseEvent(0, Phase.QUEUED, 0.0), PhaseEvent(0, Phase.STARTED, 0.1, "task 0"),
                       EndEvent(0, 0.4, Outcome(Status.TIMEOUT)))  # fmt: skip
    assert span_pieces(model.spans[0], now=1.0, with_queue=False) == [(Segment.FAILED, 0.1, 0.4)]
