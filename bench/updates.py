"""Benchmark: the update mix people send, while a wave of 10,000 reminders goes out.

The bot runs as its own process (`python -m bot`, TELEGRAM_API_BASE_URL pointing at the emulator),
the Bot API emulator in another (flood control on: TURNOUT_RATE messages/s overall, about one per
second per chat), on a database of 100,000 volunteers, 10,000 shifts and 200,000 signups built for
the run. Registered volunteers walk through /start, /help, /shifts, its filters, a card, signing up,
/myshifts and cancelling, each acting rarely (many users, round robin): closed loop at concurrency
1, 4 and 16, open loop at 25 and 50 updates/s. Before the mix, 10,000 reminders are queued due now.

It prints, per phase, min / median / max over the runs: updates/s; reply latency p50/p99 as the
emulator sees it (update queued → the first answer, message or edit for it); messages/s sent in
total (the busiest 1-second window); 429s; CPU ms per update of the bot process (utime+stime from
/proc, also net of what the wave costs while no update comes). Then the same CPU per update for a
bare python-telegram-bot echo bot (bench/echo.py) against the same emulator, and /shifts p50 on the
100k database against a small one. Prints numbers; passes or fails nothing.

    .venv/bin/python -m bench.updates                      # about four minutes
    .venv/bin/python -m bench.updates --runs 3 --seconds 6 --rate 30
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bigdb import Built, Scale, bench_user, build, queue_wave

REPLY_TIMEOUT = 20.0
CLOSED = (1, 4, 16)
OPEN = (25, 50)

# --- the emulator process: users, the load, and what it saw -----------------------------------------

# One volunteer's walk, repeated: (label, action, bot messages or edits it causes). An action is a
# command, or a function of the user's state giving callback data (None: skip this step).
Step = tuple[str, Any, int]


def _buttons(message: Any, prefix: str) -> list[str]:
    if message is None:
        return []
    return [
        b["callback_data"]
        for row in (message.reply_markup or {}).get("inline_keyboard", [])
        for b in row
        if b.get("callback_data", "").startswith(prefix)
    ]


def _first(prefix: str, key: str) -> Callable[[dict[str, Any]], str | None]:
    def pick(state: dict[str, Any]) -> str | None:
        found = _buttons(state.get(key), prefix)
        return found[state["round"] % len(found)] if found else None

    return pick


WALK: tuple[Step, ...] = (
    ("/start", "/start", 1),
    ("/help", "/help", 1),
    ("/shifts", "/shifts", 1),
    ("filter menu", lambda s: "sf:w:a.-.0.0.0" if s.get("list") else None, 1),
    ("filter", lambda s: "sl:w.-.0.0.0" if s.get("list") else None, 1),
    ("filter", lambda s: "sl:a.cv.0.0.0" if s.get("list") else None, 1),
    ("filter", lambda s: "sl:a.-.0.0.0" if s.get("list") else None, 1),
    ("card", _first("sc:", "list"), 1),
    ("sign up", _first("sj:", "card"), 2),
    ("/myshifts", "/myshifts", 1),
    ("cancel", _first("mc:", "mine"), 1),
    ("cancel", _first("mx:", "question"), 1),
)
KEEP = {"/shifts": "list", "card": "card", "/myshifts": "mine", "cancel": "question"}
ECHO_WALK: tuple[Step, ...] = tuple((label, label if label.startswith("/") else "hello", 1) for label, _, _ in WALK)
WALKS = {"mix": WALK, "echo": ECHO_WALK, "shifts": (("/shifts", "/shifts", 1),)}


@dataclass
class PhaseResult:
    done: int = 0
    unanswered: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_label: dict[str, list[float]] = field(default_factory=dict)
    max_per_second: int = 0
    max_tried_per_second: int = 0
    flood_429: int = 0
    reminders_sent: int = 0


def _emulator_process(conn: Any, bench_ids: list[int], wave_ids: list[int], rate: int) -> None:
    from tests.emulator import BotAPIEmulator

    bench_set = set(bench_ids)

    class Timed:
        """A chat's event queue that notes when each event happened (bench users only)."""

        def __init__(self) -> None:
            self.queue: asyncio.Queue[tuple[float, Any]] = asyncio.Queue()

        def put_nowait(self, item: Any) -> None:
            self.queue.put_nowait((time.monotonic(), item))

    class Sink:
        def put_nowait(self, item: Any) -> None:
            pass

    sink = Sink()

    class Emulator(BotAPIEmulator):
        def __init__(self) -> None:
            super().__init__(flood_control=True)
            self.flood_global_per_second = rate
            self.sent_at: list[float] = []  # every accepted message or edit
            self.tried_at: list[float] = []  # every message or edit the bot tried (429s included)
            self.timed: dict[int, Timed] = {}
            self.polls = 0

        def _events_for(self, chat_id: int) -> Any:
            if chat_id not in bench_set:
                return sink
            return self.timed.setdefault(chat_id, Timed())

        def _flood_check(self, chat_id: int | None) -> None:
            self.tried_at.append(time.monotonic())
            super()._flood_check(chat_id)

        def _flood_commit(self, chat_id: int | None) -> None:
            super()._flood_commit(chat_id)
            self.sent_at.append(time.monotonic())

        async def _get_updates(self, params: dict[str, Any], method: Any) -> Any:
            self.polls += 1
            return await super()._get_updates(params, method)

        async def _answer_callback_query(self, params: dict[str, Any], method: Any) -> Any:
            pending = self._queries.get(params["callback_query_id"])
            result = await super()._answer_callback_query(params, method)
            if pending is not None:
                self._events_for(pending.chat_id).put_nowait("answer")
            return result

        def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[Any]:
            raise RuntimeError("too slow with a wave of messages; the benchmark keeps its own")

    async def main() -> None:
        emu = Emulator()
        await emu.start()
        users = {uid: emu.user(uid, **_user_kwargs(uid)) for uid in bench_ids}
        for uid in wave_ids:
            emu.user(uid, f"W{uid}")
        states: dict[int, dict[str, Any]] = {uid: {"step": 0, "round": 0} for uid in bench_ids}
        idle: deque[int] = deque(bench_ids)
        wave_set = set(wave_ids)
        conn.send((emu.token, emu.base_url))
        loop = asyncio.get_running_loop()

        async def act(uid: int, walk: tuple[Step, ...], result: PhaseResult) -> None:
            """The user's next step: queue it, time the first reply, wait for all it causes."""
            state = states[uid]
            timed = emu._events_for(uid)
            while not timed.queue.empty():
                timed.queue.get_nowait()
            label, action, events = walk[state["step"] % len(walk)]
            state["step"] += 1
            if state["step"] % len(walk) == 0:
                state["round"] += 1
            data = action(state) if callable(action) else action
            if data is None:
                return
            user = users[uid]
            started = time.monotonic()
            if data.startswith("/") or walk is ECHO_WALK:
                payload: dict[str, Any] = {"text": data}
                if data.startswith("/"):
                    payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(data)}]
                message = emu._store_user_message(uid, payload)
                emu.queue_update({"message": message})
                wanted_answer = False
            else:
                target = state[_source(data)]
                query_id, _future = emu._new_callback_query(uid)
                emu.queue_update(
                    {
                        "callback_query": {
                            "id": query_id, "from": user.json(), "message": target.raw,
                            "chat_instance": f"-{uid}", "data": data,
                        }
                    }
                )
                wanted_answer = True
            first: float | None = None
            last_message = None
            deadline = started + REPLY_TIMEOUT
            while events > 0 or wanted_answer:
                try:
                    at, event = await asyncio.wait_for(timed.queue.get(), max(0.01, deadline - time.monotonic()))
                except TimeoutError:
                    break
                first = at if first is None else first
                if event == "answer":
                    wanted_answer = False
                else:
                    events -= 1
                    last_message = event
            if first is None:
                result.unanswered += 1
                return
            latency = (first - started) * 1000
            result.done += 1
            result.latencies.append(latency)
            result.by_label.setdefault(label, []).append(latency)
            if label in KEEP and last_message is not None and walk is not ECHO_WALK:
                if label == "sign up" or (label == "cancel" and data.startswith("mx:")):
                    return
                state[KEEP[label]] = last_message

        def _wave_count() -> int:
            return sum(1 for (c, _), m in emu._messages.items() if c in wave_set and m.from_bot)

        def _source(data: str) -> str:
            if data.startswith(("sf:", "sl:", "sc:")):
                return "list"
            if data.startswith("sj:"):
                return "card"
            if data.startswith("mc:"):
                return "mine"
            return "question"

        async def one(uid: int, walk: tuple[Step, ...], result: PhaseResult) -> None:
            try:
                await act(uid, walk, result)
            finally:
                idle.append(uid)

        async def closed(concurrency: int, seconds: float, walk: tuple[Step, ...], result: PhaseResult) -> None:
            stop = time.monotonic() + seconds

            async def worker() -> None:
                while time.monotonic() < stop:
                    await one(idle.popleft(), walk, result)

            await asyncio.gather(*(worker() for _ in range(concurrency)))

        async def open_loop(rate_: float, seconds: float, walk: tuple[Step, ...], result: PhaseResult) -> None:
            started = time.monotonic()
            tasks = []
            for n in range(int(rate_ * seconds)):
                await asyncio.sleep(max(0.0, started + n / rate_ - time.monotonic()))
                if idle:
                    tasks.append(asyncio.create_task(one(idle.popleft(), walk, result)))
            await asyncio.gather(*tasks)

        async def run_phase(kind: str, level: float, seconds: float, walk_name: str) -> PhaseResult:
            result = PhaseResult()
            walk = WALKS[walk_name]
            sent_before, flood_before, tried_before = len(emu.sent_at), emu.flood_429_count, len(emu.tried_at)
            wave_before = _wave_count()
            started = time.monotonic()
            if kind == "closed":
                await closed(int(level), seconds, walk, result)
            else:
                await open_loop(level, seconds, walk, result)
            result.seconds = time.monotonic() - started
            window = emu.sent_at[sent_before:]
            result.max_per_second = _max_in_window(window, 1.0)
            result.max_tried_per_second = _max_in_window(emu.tried_at[tried_before:], 1.0)
            result.flood_429 = emu.flood_429_count - flood_before
            result.reminders_sent = _wave_count() - wave_before
            return result

        while True:
            command = await loop.run_in_executor(None, conn.recv)
            name = command[0]
            if name == "polls":
                conn.send(emu.polls)
            elif name == "phase":
                conn.send(await run_phase(*command[1:]))
            elif name == "quiet":  # a window with no updates: what the wave alone sends
                before = _wave_count()
                await asyncio.sleep(command[1])
                conn.send(_wave_count() - before)
            elif name == "stop":
                await emu.stop()
                conn.send("stopped")
                return

    asyncio.run(main())


def _user_kwargs(uid: int) -> dict[str, Any]:
    from bench.bigdb import FIRST_TELEGRAM_ID

    who = bench_user(uid - FIRST_TELEGRAM_ID)
    return {"first_name": who["first_name"], "language_code": who["language_code"]}


def _max_in_window(stamps: list[float], width: float) -> int:
    best, low = 0, 0
    for high, stamp in enumerate(stamps):
        while stamps[low] <= stamp - width:
            low += 1
        best = max(best, high - low + 1)
    return best


# --- the parent: databases, processes, phases, the report ---------------------------------------------


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Emulator:
    def __init__(self, bench_ids: list[int], wave_ids: list[int], rate: int) -> None:
        self.conn, child = mp.Pipe()
        self.process = mp.get_context("spawn").Process(
            target=_emulator_process, args=(child, bench_ids, wave_ids, rate), daemon=True
        )
        self.process.start()
        self.token, self.base_url = self.conn.recv()

    def ask(self, *command: Any) -> Any:
        self.conn.send(command)
        return self.conn.recv()

    def stop(self) -> None:
        self.ask("stop")
        self.process.join(timeout=10)


class BotProcess:
    """`python -m bot` (or the echo bot) in its own process, started and stopped by us."""

    def __init__(self, module: str, emulator: Emulator, db: Path | None, rate: int, log: Path) -> None:
        env = {
            **os.environ, "TELEGRAM_BOT_TOKEN": emulator.token, "TELEGRAM_API_BASE_URL": emulator.base_url,
            "TURNOUT_RATE": str(rate), "PYTHONUNBUFFERED": "1",
        }
        if db is not None:
            env["TURNOUT_DB"] = str(db)
        self.log = log.open("ab")
        before = emulator.ask("polls")
        self.process = subprocess.Popen(
            [sys.executable, "-m", module], env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=Path.cwd()
        )
        deadline = time.monotonic() + 120
        while emulator.ask("polls") <= before:  # polling: start-up is over
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{module} did not start; see {log}")
            time.sleep(0.2)
        time.sleep(1.0)  # the first sweep and start-up jobs

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Sampler:
    """py-spy sampling a process (CPU only: idle frames are left out), summed up by where time goes."""

    GROUPS = (
        ("SQLite (aiosqlite's thread)", "_connection_worker_thread"),
        ("handing statements to aiosqlite's thread (main thread)", "(aiosqlite/"),
        ("HTTP client (httpx, httpcore, h11, anyio)", ("(httpx/", "(httpcore/", "(h11/", "(anyio/")),
        ("python-telegram-bot", "(telegram/"),
        ("Babel formatting", "(babel/"),
        ("JSON", "(json/"),
        ("the bot's own code (bot/, handlers/)", ("(bot/", "(handlers/")),
        ("asyncio event loop", "(asyncio/"),
    )
    # Leaves where a thread waits rather than works (py-spy cannot always tell from here).
    IDLE = ("select (selectors.py", "(aiosqlite/core.py:59)", "wait (threading.py", "get (queue.py",
            "_worker (concurrent/futures/thread.py")

    def __init__(self, pid: int, out: Path) -> None:
        self.out = out
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("py-spy")), "record", "--format", "raw", "--threads", "--rate", "250",
             "-o", str(out), "--pid", str(pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)

    def report(self) -> None:
        stacks = []
        for line in self.out.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if stack and count.isdigit() and not any(m in stack.rsplit(";", 1)[-1] for m in self.IDLE):
                stacks.append((stack, int(count)))
        total = sum(n for _, n in stacks) or 1
        print(f"\nwhere the bot's CPU went during the mix (py-spy, {total:,} busy samples, {self.out}):")
        shares = dict.fromkeys([name for name, _ in self.GROUPS] + ["other (stdlib, …)"], 0)
        for stack, n in stacks:
            leaf = stack.rsplit(";", 1)[-1]
            for name, marks in self.GROUPS:
                marks = (marks,) if isinstance(marks, str) else marks
                if any(m in (stack if name.startswith("SQLite") else leaf) for m in marks):
                    shares[name] += n
                    break
            else:
                shares["other (stdlib, …)"] += n
        print("  by where the sampled frame is (self time):")
        for name, share in shares.items():
            print(f"  {100 * share / total:5.1f} %  {name}")
        leaves: dict[str, int] = {}
        for stack, n in stacks:
            leaf = stack.rsplit(";", 1)[-1]
            leaves[leaf] = leaves.get(leaf, 0) + n
        print("  top functions (self):")
        for leaf, n in sorted(leaves.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {100 * n / total:5.1f} %  {leaf[:110]}")


@dataclass
class Figures:
    """One phase in one run."""

    updates_per_s: float
    p50: float
    p99: float
    max_per_second: int
    max_tried_per_second: int
    flood_429: int
    cpu_ms: float
    cpu_ms_net: float
    unanswered: int
    reminders_per_s: float


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run_phase(emulator: Emulator, bot: BotProcess, kind: str, level: float, seconds: float, walk: str,
              quiet: float) -> Figures:
    # What the process spends with no update coming: per reminder sent (the wave), else per second.
    c0, t0 = cpu_seconds(bot.pid), time.monotonic()
    quiet_reminders = emulator.ask("quiet", quiet)
    quiet_cpu, quiet_seconds = cpu_seconds(bot.pid) - c0, time.monotonic() - t0
    c1 = cpu_seconds(bot.pid)
    result: PhaseResult = emulator.ask("phase", kind, level, seconds, walk)
    cpu = cpu_seconds(bot.pid) - c1
    done = max(1, result.done)
    if quiet_reminders:
        background = quiet_cpu / quiet_reminders * result.reminders_sent
    else:
        background = quiet_cpu / quiet_seconds * result.seconds
    return Figures(
        updates_per_s=result.done / result.seconds,
        p50=percentile(result.latencies, 0.5),
        p99=percentile(result.latencies, 0.99),
        max_per_second=result.max_per_second,
        max_tried_per_second=result.max_tried_per_second,
        flood_429=result.flood_429,
        cpu_ms=cpu * 1000 / done,
        cpu_ms_net=max(0.0, cpu - background) * 1000 / done,
        unanswered=result.unanswered,
        reminders_per_s=result.reminders_sent / result.seconds,
    )


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    ordered = sorted(values)
    return " / ".join(fmt.format(v) for v in (ordered[0], statistics.median(ordered), ordered[-1]))


PHASES = [("closed", c) for c in CLOSED] + [("open", r) for r in OPEN]


def phase_name(kind: str, level: float) -> str:
    return f"closed c={int(level)}" if kind == "closed" else f"open {int(level)}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each phase")
    parser.add_argument("--rate", type=int, default=30, help="TURNOUT_RATE, and the emulator's global limit")
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--profile", action="store_true",
                        help="sample the bot with py-spy during the mix (pip install py-spy) and print where its "
                             "time goes")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="turnout-updates-"))
    log = workdir / "bots.log"
    started = time.perf_counter()
    big = build(workdir / "big.sqlite3", Scale(bench_users=args.users, reminders=args.reminders))
    small = build(workdir / "small.sqlite3", Scale.small(bench_users=args.users))
    print(f"databases built in {big.seconds:.1f} s (100k) and {small.seconds:.1f} s (small), in {workdir}")
    emulator = Emulator(big.bench_user_ids, big.wave_user_ids, args.rate)
    try:
        report(args, emulator, big, small, log)
    finally:
        emulator.stop()
    print(f"\n(whole benchmark: {time.perf_counter() - started:.0f} s; bot logs in {log})")


def _probe(emulator: Emulator, built: Built, args: argparse.Namespace, log: Path) -> float:
    """/shifts reply p50: one /shifts after another from different users, nothing else (no wave)."""
    bot = BotProcess("bot", emulator, built.path, args.rate, log)
    try:
        emulator.ask("phase", "closed", 1, 1.0, "shifts")  # warm-up: first-time imports, caches
        result: PhaseResult = emulator.ask("phase", "closed", 1, args.seconds / 2, "shifts")
        return percentile(result.by_label.get("/shifts", []), 0.5)
    finally:
        bot.stop()


def report(args: argparse.Namespace, emulator: Emulator, big: Built, small: Built, log: Path) -> None:
    # /shifts on a small database and on the big one, before any wave; in turns, so that the load
    # others put on the machine weighs on both alike
    shifts_small, shifts_big = [], []
    for _ in range(args.runs):
        shifts_small.append(_probe(emulator, small, args, log))
        shifts_big.append(_probe(emulator, big, args, log))

    queued = queue_wave(big)
    bot = BotProcess("bot", emulator, big.path, args.rate, log)
    spy = Sampler(bot.pid, log.with_name("bot.pyspy.txt")) if args.profile else None
    turnout: dict[tuple[str, float], list[Figures]] = {p: [] for p in PHASES}
    try:
        for _ in range(args.runs):
            for kind, level in PHASES:
                turnout[(kind, level)].append(run_phase(emulator, bot, kind, level, args.seconds, "mix", 2.0))
    finally:
        if spy is not None:
            spy.stop()
        bot.stop()

    # The echo bot has no rate limiter, so only an offered load under the flood limit: open loop, 25/s.
    echo_phases = [("open", 25)]
    echo: dict[tuple[str, float], list[Figures]] = {p: [] for p in echo_phases}
    bot = BotProcess("bench.echo", emulator, None, args.rate, log)
    try:
        for _ in range(args.runs):
            for kind, level in echo_phases:
                echo[(kind, level)].append(run_phase(emulator, bot, kind, level, args.seconds, "echo", 1.0))
    finally:
        bot.stop()

    print(f"\nTurnout, the update mix while {queued:,} reminders are due (TURNOUT_RATE={args.rate}, "
          f"{args.runs} runs of {args.seconds:g} s each; min / median / max)")
    header = (f"{'phase':<13} {'updates/s':>18} {'reply p50 ms':>20} {'reply p99 ms':>22} {'msgs/s max':>14} "
              f"{'tried/s max':>14} {'429s':>10} {'CPU ms/update':>18} {'net of wave':>18} {'reminders/s':>18} "
              f"{'unanswered':>10}")
    print(header)
    for (kind, level), figures in turnout.items():
        print(_row(phase_name(kind, level), figures))
    print("\nbare python-telegram-bot echo bot (bench/echo.py), same emulator, no wave")
    print(header)
    for (kind, level), figures in echo.items():
        print(_row(phase_name(kind, level), figures))
    bot_cpu = [f.cpu_ms_net for p in echo_phases for f in turnout[p]]
    echo_cpu = [f.cpu_ms_net for p in echo_phases for f in echo[p]]
    print(f"\nCPU per update, net of the wave, offered 25 updates/s: Turnout {spread(bot_cpu, '{:.2f}')} ms, "
          f"echo {spread(echo_cpu, '{:.2f}')} ms; ratio of medians "
          f"{statistics.median(bot_cpu) / statistics.median(echo_cpu):.1f}×")
    if spy is not None:
        spy.report()
    ratio = statistics.median(shifts_big) / statistics.median(shifts_small)
    print(f"/shifts reply p50, alone: {spread(shifts_big)} ms at 100k volunteers vs {spread(shifts_small)} ms "
          f"on a small database; ratio of medians {ratio:.2f}×")


def _row(name: str, figures: list[Figures]) -> str:
    return (
        f"{name:<13} {spread([f.updates_per_s for f in figures]):>18} {spread([f.p50 for f in figures]):>20} "
        f"{spread([f.p99 for f in figures]):>22} {spread([f.max_per_second for f in figures], '{:.0f}'):>14} "
        f"{spread([f.max_tried_per_second for f in figures], '{:.0f}'):>14} "
        f"{spread([f.flood_429 for f in figures], '{:.0f}'):>10} {spread([f.cpu_ms for f in figures], '{:.2f}'):>18} "
        f"{spread([f.cpu_ms_net for f in figures], '{:.2f}'):>18} "
        f"{spread([f.reminders_per_s for f in figures]):>18} {spread([f.unanswered for f in figures], '{:.0f}'):>10}"
    )


if __name__ == "__main__":
    main()
