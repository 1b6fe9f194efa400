"""The send budget's rules on a fake clock (overall cap, per-chat spacing, priority, 429 scoping), and
what its Telegram side retries."""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from bot.pacing import ChatBusy, Pacer, Pacing, Priority, Scope, Ticket
from handlers.pacer import DISPATCH, OutcomeUnknown, Pace, TelegramPacer, is_message

REPLY, BACKGROUND = Priority.REPLY, Priority.BACKGROUND


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def run(pacing: Pacing, clock: FakeClock, until: float = 60.0) -> list[tuple[float, Ticket]]:
    """Polls as the async Pacer would, jumping the clock to each next moment; returns the decisions.
    Telegram answers each message the moment it is let go."""
    decided: list[tuple[float, Ticket]] = []
    end = clock.now + until
    while clock.now < end:
        tickets, wait = pacing.poll()
        decided += [(clock.now, t) for t in tickets]
        answered = [pacing.done() for t in tickets if t.granted]
        if answered:
            continue  # answers free places: look again at this moment
        if wait is None:
            break
        clock.now += wait
    return decided


def max_in_any_second(times: list[float]) -> int:
    times = sorted(times)
    first = peak = 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def test_replies_never_exceed_the_overall_rate() -> None:
    clock = FakeClock()
    pacing = Pacing(10, clock)
    tickets = [pacing.request(chat, REPLY) for chat in range(55)]
    decided = run(pacing, clock)
    assert [t for _, t in decided] == tickets  # all granted, in order
    times = [at for at, _ in decided]
    assert times[:10] == [1000.0] * 10  # replies may use the whole window at once
    assert max_in_any_second(times) == 10
    assert times[-1] - times[0] >= 5 * pacing.window - 1e-9


def test_background_goes_evenly_spaced() -> None:
    clock = FakeClock()
    pacing = Pacing(10, clock)
    for chat in range(30):
        pacing.request(chat, BACKGROUND)
    times = [at for at, _ in run(pacing, clock)]
    assert len(times) == 30
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(pacing.window / 10)
    assert max_in_any_second(times) <= 10


def test_a_chat_gets_a_short_burst_then_one_a_second() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    for _ in range(6):
        pacing.request(7, REPLY)
    times = [at - 1000.0 for at, _ in run(pacing, clock)]
    assert times[:3] == [0.0, 0.0, 0.0]  # a burst of 3, as Telegram tolerates
    assert [round(b - a, 6) for a, b in itertools.pairwise(times[2:])] == [pacing.chat_interval] * 3


def test_background_keeps_to_one_a_second_per_chat_and_leaves_the_burst_to_replies() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    for _ in range(3):
        pacing.request(7, BACKGROUND)
    times = [at - 1000.0 for at, _ in run(pacing, clock)]
    assert [round(t, 6) for t in times] == [0.0, pacing.chat_interval, 2 * pacing.chat_interval]
    # Right after a background message, a reply to the same chat still goes at once.
    pacing.request(7, REPLY)
    assert run(pacing, clock)[0][0] == clock.now


def test_a_busy_chat_does_not_hold_other_chats() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    for _ in range(4):
        pacing.request(1, REPLY)  # the fourth must wait for chat 1
    other = pacing.request(2, REPLY)
    decided = run(pacing, clock, until=0.5)
    assert other in [t for _, t in decided]
    assert len(decided) == 4 and all(at == 1000.0 for at, _ in decided)


def test_replies_go_before_queued_background_messages() -> None:
    clock = FakeClock()
    pacing = Pacing(10, clock)
    for chat in range(20):
        pacing.request(chat, BACKGROUND)
    first = run(pacing, clock, until=0.25)  # a few reminders have gone
    reply = pacing.request(99, REPLY)
    tickets, _ = pacing.poll()
    if not tickets:  # the next slot, not after the queued reminders
        decided = run(pacing, clock, until=pacing.spacing + 1e-6)
        tickets = [t for _, t in decided]
    assert tickets[0] is reply
    assert 0 < len(first) < 20 and pacing.waiting >= 20 - len(first) - 1


def test_while_replies_flow_background_leaves_room_in_the_window() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    pacing.request(999, REPLY)
    pacing.poll()
    for chat in range(100):
        pacing.request(chat, BACKGROUND)
    run(pacing, clock, until=1.5)
    # the window holds at most rate - reserve background messages, so the next reply goes at once
    assert pacing.sent_in_window() <= 30 - pacing.reserve + 1
    reply = pacing.request(1000, REPLY)
    tickets, _ = pacing.poll()
    assert reply in tickets


def test_background_uses_the_whole_rate_when_nobody_is_waiting_for_a_reply() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    for chat in range(300):
        pacing.request(chat, BACKGROUND)
    times = [at for at, _ in run(pacing, clock)]
    assert len(times) == 300
    assert 300 / (times[-1] - times[0] + pacing.spacing) == pytest.approx(30 / pacing.window, rel=0.01)


def test_a_429_pauses_only_the_chat_it_names() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    assert pacing.throttled(5, 15) is Scope.CHAT
    paused = pacing.request(5, REPLY)
    other = pacing.request(6, REPLY)
    tickets, wait = pacing.poll()
    assert tickets == [other]
    assert wait == pytest.approx(15)
    clock.now += 14.9
    assert pacing.poll()[0] == []
    clock.now += 0.1
    assert pacing.poll()[0] == [paused]


def test_a_429_without_a_chat_pauses_everything() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    assert pacing.throttled(None, 3) is Scope.ALL
    pacing.request(1, REPLY)
    assert pacing.poll() == ([], pytest.approx(3))


def test_429s_for_several_chats_at_once_mean_the_whole_bot() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    assert pacing.throttled(1, 2) is Scope.CHAT
    assert pacing.throttled(2, 2) is Scope.CHAT
    assert pacing.throttled(3, 2) is Scope.ALL
    pacing.request(4, REPLY)
    assert pacing.poll()[0] == []
    clock.now += 2
    assert len(pacing.poll()[0]) == 1
    clock.now += 5  # 429s long apart stay each their own chat's
    assert pacing.throttled(8, 1) is Scope.CHAT


def test_a_caller_that_will_not_wait_for_its_chat_is_told_how_long() -> None:
    clock = FakeClock()
    pacing = Pacing(30, clock)
    pacing.throttled(5, 10)
    ticket = pacing.request(5, BACKGROUND, wait_for_chat=False)
    tickets, _ = pacing.poll()
    assert tickets == [ticket] and not ticket.granted and ticket.busy_for == pytest.approx(10)


def test_what_counts_as_a_message() -> None:
    for endpoint in ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup", "copyMessage"):
        assert is_message(endpoint)
    for endpoint in ("answerCallbackQuery", "getUpdates", "getMe", "setMyCommands", "getFile", "sendChatAction"):
        assert not is_message(endpoint)


async def test_the_async_pacer_grants_in_turn_and_refuses_busy_chats_at_once() -> None:
    pacer = Pacer(Pacing(1000))
    order: list[int] = []

    async def send(chat: int) -> None:
        await pacer.acquire(chat, REPLY)
        order.append(chat)

    await asyncio.gather(*(send(c) for c in range(20)))
    assert sorted(order) == list(range(20))
    pacer.throttled(3, 30)
    with pytest.raises(ChatBusy) as busy:
        await pacer.acquire(3, BACKGROUND, wait_for_chat=False)
    assert busy.value.ready_in == pytest.approx(30, abs=0.5)
    waiting = asyncio.create_task(pacer.acquire(3, REPLY))
    await asyncio.sleep(0.01)
    waiting.cancel()  # a cancelled wait leaves the line
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert pacer.rules.waiting == 0
    pacer.close()


# --- the Telegram side: which failures are retried, and which are an unknown outcome ------------------


class Calls:
    """A stand-in for PTB's request: answers from a script, counting the calls."""

    def __init__(self, *answers: BaseException | dict[str, object]) -> None:
        self.answers = list(answers)
        self.count = 0

    async def __call__(self, *args: object, **kwargs: object) -> dict[str, object]:
        self.count += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def caused_by(error: TelegramError, cause: BaseException) -> TelegramError:
    error.__cause__ = cause
    return error


async def send(
    limiter: TelegramPacer, calls: Calls, endpoint: str = "sendMessage", pace: Pace | None = None, chat: int = 42
) -> object:
    return await limiter.process_request(calls, (), {}, endpoint, {"chat_id": chat, "text": "hi"}, pace)


async def test_a_429_is_waited_out_for_that_chat_then_the_same_call_made_again() -> None:
    limiter = TelegramPacer(1000)
    calls = Calls(RetryAfter(0.05), {"ok": 1})
    assert await send(limiter, calls) == {"ok": 1} and calls.count == 2
    dispatch = Calls(RetryAfter(0.05))
    with pytest.raises(RetryAfter):  # the dispatcher retries itself, with the rest of its queue
        await send(limiter, dispatch, pace=DISPATCH, chat=43)
    assert dispatch.count == 1
    with pytest.raises(ChatBusy):  # and until the pause is over, it is told so without a call
        await send(limiter, Calls({"ok": 1}), pace=DISPATCH, chat=43)
    await limiter.shutdown()


async def test_a_call_that_never_reached_telegram_is_made_again() -> None:
    limiter = TelegramPacer(1000)
    calls = Calls(caused_by(NetworkError("connect"), httpx.ConnectError("refused")), {"ok": 1})
    assert await send(limiter, calls) == {"ok": 1} and calls.count == 2
    pool = Calls(caused_by(TimedOut("pool"), httpx.PoolTimeout("busy")), {"ok": 1})
    assert await send(limiter, pool, "answerCallbackQuery") == {"ok": 1} and pool.count == 2


async def test_a_message_with_no_answer_is_never_repeated_and_says_so() -> None:
    limiter = TelegramPacer(1000)
    calls = Calls(caused_by(TimedOut(), httpx.ReadTimeout("slow")), {"ok": 1})
    with pytest.raises(OutcomeUnknown):
        await send(limiter, calls)
    assert calls.count == 1
    lost = Calls(caused_by(NetworkError("gone"), httpx.RemoteProtocolError("closed")))
    with pytest.raises(OutcomeUnknown):
        await send(limiter, lost, "editMessageText")
    other = Calls(caused_by(TimedOut(), httpx.ReadTimeout("slow")))
    with pytest.raises(TimedOut) as raised:  # not a message: an ordinary timeout
        await send(limiter, other, "getFile")
    assert not isinstance(raised.value, OutcomeUnknown)


def test_a_message_holds_its_place_in_the_window_until_one_window_after_its_answer() -> None:
    # Telegram counts a message when it arrives, somewhere between being let go and being answered:
    # ten let go at once and answered half a second later may all arrive then, so the eleventh waits
    # a window from the answers, not from the moment they were let go.
    clock = FakeClock()
    pacing = Pacing(10, clock)
    first = [pacing.request(chat, REPLY) for chat in range(10)]
    eleventh = pacing.request(99, REPLY)
    tickets, wait = pacing.poll()
    assert tickets == first and wait == float("inf")  # nothing frees a place before an answer
    clock.now += 0.5
    for _ in first:
        pacing.done()
    assert pacing.sent_in_window() == 10
    tickets, wait = pacing.poll()
    assert tickets == [] and wait == pytest.approx(pacing.window)
    clock.now += pacing.window
    assert pacing.poll()[0] == [eleventh]


async def test_the_telegram_pacer_frees_the_place_of_every_call_when_it_ends() -> None:
    limiter = TelegramPacer(rate=2)

    async def ok() -> bool:
        return True

    async def refused() -> bool:
        raise TelegramError("Bad Request: chat not found")

    await limiter.process_request(ok, (), {}, "sendMessage", {"chat_id": 1}, None)
    with pytest.raises(TelegramError):
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert limiter.pacing.sent_in_window() == 2  # both answered: in the window, none left in flight
    assert limiter.pacing._in_flight == 0
