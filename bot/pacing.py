"""One send budget for the whole bot: Telegram's flood limits as rules over a clock, and the queue
that hands out sends by them. Nothing here knows Telegram's API; handlers/pacer.py plugs it in.

The rules, each with a margin so that what Telegram counts on its side stays inside:
- **Overall**: at most `rate` messages in any window of 1 s + `window_margin`. A message holds its place
  in the window from when it is let go until one window after Telegram answered it (`done`): Telegram
  counts it when it arrives, somewhere in between, so sends delayed on the way (a stalled event loop, a
  slow network) and sent later in a bunch still never make more than `rate` in a second on its side.
- **Per chat**: a bucket of `chat_burst` (3) messages that refills at one per `chat_interval`
  (1 s + 5 %). Telegram tolerates short bursts in a chat; a button that edits its card and sends a
  confirmation with a calendar file is three at once. Background messages go only into a full bucket:
  one per interval at most, never eating into the burst a reply may need.
- **Priority**: replies to a person who is waiting go first; background messages (the dispatcher) go
  evenly spaced in what is left, and while replies are being sent they leave `reserve` of the overall
  window free, so a reply rarely waits behind a full window.
- **429s** pause what they name: the chat of the request for `retry_after`; everything when the
  request had no chat, or when `global_after_chats` different chats are told to wait within a second
  (that is Telegram limiting the bot as a whole, not one chat).

Messages are what these rules count; the Telegram side decides which calls are messages.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Chat = int | str | None  # None: a message with no chat (counts only overall)

CHAT_BURST = 3
EPSILON = 1e-6  # waits shorter than this are rounding, not waits
FORGET_CHATS_OVER = 50_000  # chats remembered before idle ones are dropped, so memory stays flat


class Priority(enum.IntEnum):
    REPLY = 0  # someone is waiting for it
    BACKGROUND = 1  # scheduled: reminders, notices, progress


class Scope(enum.Enum):
    CHAT = "chat"
    ALL = "all"


class ChatBusy(Exception):
    """The chat may not take a message for `ready_in` seconds (asked not to wait for it)."""

    def __init__(self, ready_in: float) -> None:
        super().__init__(f"chat busy for {ready_in:.2f} s")
        self.ready_in = ready_in


@dataclass(eq=False)
class Ticket:
    """One message waiting for its turn."""

    chat: Chat
    priority: Priority
    seq: int
    wait_for_chat: bool = True
    granted: bool = False
    busy_for: float | None = None  # set when refused instead of waiting for its chat

    @property
    def decided(self) -> bool:
        return self.granted or self.busy_for is not None


@dataclass
class _ChatState:
    tokens: float
    at: float
    paused_until: float = 0.0


class Pacing:
    """The rules and the waiting line, driven by an injected clock (seconds, monotonic)."""

    def __init__(
        self,
        rate: int,
        clock: Callable[[], float] = time.monotonic,
        *,
        chat_burst: int = CHAT_BURST,
        chat_interval: float = 1.0,
        window_margin: float = 0.02,
        chat_margin: float = 0.05,
        reserve: int | None = None,
        reply_active_for: float = 2.0,
        global_after_chats: int = 3,
    ) -> None:
        if rate < 1:
            raise ValueError("rate must be at least 1 message per second")
        self.rate = rate
        self.clock = clock
        self.window = 1.0 + window_margin
        self.spacing = self.window / rate  # background messages go evenly, never in a burst
        self.chat_burst = float(chat_burst)
        self.chat_interval = chat_interval * (1.0 + chat_margin)
        self.reserve = max(1, math.ceil(rate / 10)) if reserve is None else reserve
        self.reply_active_for = reply_active_for
        self.global_after_chats = global_after_chats
        self._sent: deque[float] = deque()  # when the answers to recent messages came
        self._in_flight = 0  # let go, not answered yet: they hold a place in the window
        self._last_grant = -math.inf
        self._chats: dict[Chat, _ChatState] = {}
        self._paused_until = 0.0
        self._last_reply = -math.inf
        self._recent_429: deque[tuple[float, Chat]] = deque()
        self._waiting: list[Ticket] = []  # kept in (priority, seq) order
        self._seq = itertools.count()

    # ---------------------------------------------------------------- the waiting line

    def request(self, chat: Chat, priority: Priority, *, wait_for_chat: bool = True) -> Ticket:
        ticket = Ticket(chat, priority, next(self._seq), wait_for_chat)
        if priority is Priority.REPLY:
            self._last_reply = self.clock()
        # Insert after every ticket of the same or higher priority: FIFO within a priority.
        index = len(self._waiting)
        while index > 0 and self._waiting[index - 1].priority > priority:
            index -= 1
        self._waiting.insert(index, ticket)
        return ticket

    def withdraw(self, ticket: Ticket) -> None:
        if ticket in self._waiting:
            self._waiting.remove(ticket)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def poll(self) -> tuple[list[Ticket], float | None]:
        """Grants (or refuses) every ticket that can be decided now, best first; returns them and the
        seconds until the next could be (None when nobody waits)."""
        now = self.clock()
        self._expire(now)
        decided: list[Ticket] = []
        while self._waiting:
            soonest = math.inf
            chosen: Ticket | None = None
            for ticket in self._waiting:
                chat_wait = self.chat_wait(ticket.chat, ticket.priority, now)
                if chat_wait > EPSILON and not ticket.wait_for_chat:
                    chosen = ticket
                    ticket.busy_for = chat_wait
                    break
                wait = max(chat_wait, self.overall_wait(ticket.priority, now))
                if wait <= EPSILON:
                    chosen = ticket
                    ticket.granted = True
                    self._take(ticket.chat, now)
                    break
                soonest = min(soonest, wait)
            if chosen is None:
                return decided, soonest
            self._waiting.remove(chosen)
            decided.append(chosen)
        return decided, None

    # ---------------------------------------------------------------- the rules

    def overall_wait(self, priority: Priority, now: float) -> float:
        """Seconds until the overall budget lets a message of this priority go (inf: not before one
        in flight is answered)."""
        wait = self._paused_until - now
        limit = self.rate
        if priority is Priority.BACKGROUND:
            if now - self._last_reply < self.reply_active_for:
                limit = max(1, self.rate - self.reserve)
            wait = max(wait, self._last_grant + self.spacing - now)
        excess = len(self._sent) + self._in_flight - limit  # places to free before this one fits
        if excess >= 0:
            if excess >= len(self._sent):
                return math.inf
            wait = max(wait, self._sent[excess] + self.window - now)
        return max(0.0, wait)

    def done(self) -> None:
        """A message let go has its answer (or failed): it keeps its place for one more window."""
        self._in_flight = max(0, self._in_flight - 1)
        self._sent.append(self.clock())

    def chat_wait(self, chat: Chat, priority: Priority, now: float) -> float:
        """Seconds until this chat may take a message of this priority."""
        if chat is None:
            return 0.0
        state = self._chats.get(chat)
        if state is None:
            return 0.0
        # A reply needs one message of the bucket; a background message a full bucket, so it goes at
        # most once per interval and never eats into the burst a reply may need.
        need = 1.0 if priority is Priority.REPLY else self.chat_burst
        tokens = self._tokens(state, now)
        wait = (need - tokens) * self.chat_interval if tokens < need else 0.0
        return max(0.0, wait, state.paused_until - now)

    def throttled(self, chat: Chat, retry_after: float) -> Scope:
        """Telegram answered 429: pause what it named."""
        now = self.clock()
        until = now + max(0.0, retry_after)
        if chat is None:
            self._paused_until = max(self._paused_until, until)
            return Scope.ALL
        state = self._state(chat, now)
        state.paused_until = max(state.paused_until, until)
        state.tokens, state.at = 0.0, now
        self._recent_429.append((now, chat))
        while self._recent_429 and self._recent_429[0][0] < now - 1.0:
            self._recent_429.popleft()
        if len({c for _, c in self._recent_429}) >= self.global_after_chats:
            self._paused_until = max(self._paused_until, until)
            return Scope.ALL
        return Scope.CHAT

    def sent_in_window(self) -> int:
        """Messages holding a place in the window: answered within it, or still in flight."""
        self._expire(self.clock())
        return len(self._sent) + self._in_flight

    # ---------------------------------------------------------------- bookkeeping

    def _tokens(self, state: _ChatState, now: float) -> float:
        return min(self.chat_burst, state.tokens + (now - state.at) / self.chat_interval)

    def _state(self, chat: Chat, now: float) -> _ChatState:
        state = self._chats.get(chat)
        if state is None:
            state = self._chats[chat] = _ChatState(self.chat_burst, now)
        return state

    def _take(self, chat: Chat, now: float) -> None:
        self._in_flight += 1
        self._last_grant = now
        if chat is None:
            return
        state = self._state(chat, now)
        state.tokens, state.at = self._tokens(state, now) - 1.0, now
        if len(self._chats) > FORGET_CHATS_OVER:
            self._chats = {
                c: s for c, s in self._chats.items() if s.paused_until > now or self._tokens(s, now) < self.chat_burst
            }

    def _expire(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()


class Pacer:
    """The asyncio face of `Pacing`: `await acquire(...)` returns when the message may go.

    No task of its own: every request, and a timer set for the next moment something can go, decide
    what they can; the clock must be the event loop's kind (monotonic seconds)."""

    def __init__(self, pacing: Pacing) -> None:
        self.rules = pacing
        self._futures: dict[int, asyncio.Future[None]] = {}
        self._timer: asyncio.TimerHandle | None = None

    async def acquire(self, chat: Chat, priority: Priority, *, wait_for_chat: bool = True) -> None:
        """Waits for this message's turn; raises ChatBusy at once if `wait_for_chat` is False and the
        chat may not take it yet. Once it returns, the caller must call `done()` when the answer came."""
        ticket = self.rules.request(chat, priority, wait_for_chat=wait_for_chat)
        future = asyncio.get_running_loop().create_future()
        self._futures[ticket.seq] = future
        self._drive()
        try:
            await future
        except asyncio.CancelledError:
            if ticket.granted:  # let go just as the caller gave up: nothing was sent
                self.done()
            else:
                self.rules.withdraw(ticket)
            raise
        finally:
            self._futures.pop(ticket.seq, None)

    def done(self) -> None:
        """The message this caller was let send has its answer (or failed)."""
        self.rules.done()
        self._drive()

    def throttled(self, chat: Chat, retry_after: float) -> Scope:
        return self.rules.throttled(chat, retry_after)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _drive(self) -> None:
        decided, wait = self.rules.poll()
        for ticket in decided:
            future = self._futures.get(ticket.seq)
            if future is None or future.done():
                continue
            if ticket.granted:
                future.set_result(None)
            else:
                future.set_exception(ChatBusy(ticket.busy_for or 0.0))
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if wait is not None and not math.isinf(wait):  # inf: the next `done()` drives
            self._timer = asyncio.get_running_loop().call_later(max(wait, 0.001), self._drive)
