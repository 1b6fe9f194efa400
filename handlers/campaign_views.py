"""What /campaigns and /stats show of campaigns: the list, a campaign's card with its goals and progress bars,
and the buttons (codec classes under `cp`). Rendering only; handlers/campaigns.py loads, checks and sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.bidi import isolate
from bot.i18n import Translator
from bot.services import campaigns as service
from bot.services.campaigns import GOAL_METRICS, Campaign, Done, Progress
from bot.services.typed_dates import EXAMPLE_AHEAD, date_examples, either
from bot.store.orgs import Org
from handlers.followup_views import metric_label
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.shift_views import esc

PAGE_SIZE = 8
STATS_MAX = 6  # campaigns shown in /stats (one message holds them); the rest are on /campaigns
Metric = Literal["doors", "conversations", "calls", "texts", "hours"]


@dataclass(frozen=True)
class Listing(Button, prefix="cp:l"):
    page: int = 0
    below: bool = False  # from /stats: a new message under the numbers, which stay

@dataclass(frozen=True)
class OpenCampaign(Button, prefix="cp:o"):
    campaign: int


@dataclass(frozen=True)
class NewCampaign(Button, prefix="cp:n"):
    """Names a new campaign of `org` (0: asks which organization first)."""

    org: int = 0


@dataclass(frozen=True)
class AskGoal(Button, prefix="cp:g"):
    campaign: int
    metric: Metric


@dataclass(frozen=True)
class RemoveGoal(Button, prefix="cp:gx"):
    campaign: int
    metric: Metric


@dataclass(frozen=True)
class Rename(Button, prefix="cp:r"):
    campaign: int


@dataclass(frozen=True)
class AskEnd(Button, prefix="cp:e"):
    campaign: int


@dataclass(frozen=True)
class NoEnd(Button, prefix="cp:ex"):
    campaign: int


@dataclass(frozen=True)
class AskStart(Button, prefix="cp:s"):
    campaign: int


@dataclass(frozen=True)
class NoStart(Button, prefix="cp:sx"):
    campaign: int


def goal_label(t: Translator, metric: str) -> str:
    return "⏱ " + t._("Hours") if metric == "hours" else metric_label(t, metric)


def _amount(t: Translator, metric: str, value: float) -> str:
    return t.number(round(value, 1) if metric == "hours" else int(value))


def goal_line(t: Translator, metric: str, done: float, goal: int) -> str:
    """'🚪 Doors knocked 120 / 500 ▓▓▓░░░░░░░ 24 %': numbers and percent in the reader's locale."""
    bar, ratio = service.bar(done, goal)
    return f"{goal_label(t, metric)} {_amount(t, metric, done)} / {t.number(goal)} {bar} {t.percent(ratio)}"


def progress_lines(t: Translator, campaign: Campaign, done: Done, *, with_org: bool) -> list[str]:
    head = "🎯 <b>" + esc(campaign.name) + "</b>" + (f" · {esc(campaign.org_name)}" if with_org else "")
    if done.shifts:
        head += " · " + t.ngettext("{count} shift", "{count} shifts", done.shifts).format(count=t.number(done.shifts))
    lines = [head]
    starts, ends = (t.date(date.fromisoformat(d)) if d else None for d in (campaign.starts_on, campaign.ends_on))
    if starts and ends:
        lines.append("📅 " + t._("Runs from {start} to {end}").format(start=starts, end=ends))
    elif starts:
        lines.append("📅 " + t._("Runs from {date}").format(date=starts))
    elif ends:
        lines.append("📅 " + t._("Runs until {date}").format(date=ends))
    lines += [goal_line(t, m, done.of(m), campaign.goals[m]) for m in GOAL_METRICS if m in campaign.goals]
    if not campaign.goals:
        lines.append(t._("No goals yet. Tap one below to set it."))
    return lines


def stats_section(t: Translator, progress: Sequence[Progress]) -> str:
    """/stats: each running campaign with goals against what its shifts added up to ('' when none)."""
    shown = [p for p in progress if p.campaign.goals][:STATS_MAX]
    if not shown:
        return ""
    several = len({p.campaign.org_id for p in shown}) > 1
    lines = ["<b>" + t._("Campaigns") + "</b>"]
    for p in shown:
        lines += progress_lines(t, p.campaign, p.done, with_org=several)
    return "\n".join(lines)


def listing(t: Translator, campaigns: Sequence[Campaign], page: int, new_org: int) -> tuple[str, InlineKeyboardMarkup]:
    """The campaigns, a page at a time, and ➕ New campaign (`new_org`: the org it is for, 0: ask)."""
    lines = ["🎯 <b>" + t._("Campaigns") + "</b>"]
    if not campaigns:
        lines += [
            "",
            t._("No campaigns yet. A campaign groups shifts and sets goals for doors, conversations, calls, "
                "texts and hours."),
        ]
    several = len({c.org_id for c in campaigns}) > 1
    first = page * PAGE_SIZE
    rows = [
        [InlineKeyboardButton((f"{isolate(c.org_name[:20])} · " if several else "") + isolate(c.name[:50]),
                              callback_data=OpenCampaign(c.id).pack())]
        for c in campaigns[first : first + PAGE_SIZE]
    ]
    rows += pager(t, page, first + PAGE_SIZE < len(campaigns), lambda n: Listing(n).pack())
    rows.append([InlineKeyboardButton("➕ " + t._("New campaign"), callback_data=NewCampaign(new_org).pack())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def org_picker(t: Translator, orgs: Sequence[Org]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[InlineKeyboardButton(o.name[:60], callback_data=NewCampaign(o.id).pack())] for o in orgs[:50]]
    rows.append(back_row(t, Listing()))
    return t._("Which organization is the campaign for?"), InlineKeyboardMarkup(rows)


def back_row(t: Translator, target: Button) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("◀ " + t._("Back"), callback_data=target.pack())]


def card(t: Translator, progress: Progress, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """A campaign with its progress; a button per metric sets (or changes) its goal."""
    c = progress.campaign
    lines = [*([note, ""] if note else []), *progress_lines(t, c, progress.done, with_org=True)]
    buttons = [
        InlineKeyboardButton(
            goal_label(t, m) + (f": {t.number(c.goals[m])}" if m in c.goals else ""),
            callback_data=AskGoal(c.id, cast(Metric, m)).pack(),
        )
        for m in GOAL_METRICS
    ]
    rows = [
        *grid(buttons, 2),
        [InlineKeyboardButton("📅 " + t._("Start date"), callback_data=AskStart(c.id).pack()),
         InlineKeyboardButton("📅 " + t._("End date"), callback_data=AskEnd(c.id).pack())],
        [InlineKeyboardButton("✏️ " + t._("Rename"), callback_data=Rename(c.id).pack())],
        back_row(t, Listing()),
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def name_question(t: Translator, problem: str | None = None) -> str:
    text = t._("What is the campaign called? For example: <i>November get-out-the-vote</i>")
    return f"⚠️ {problem}\n\n{text}" if problem else text


def day_question(
    t: Translator, campaign: Campaign, which: str, today: date, problem: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The campaign's first ('start') or last ('end') day, typed; a button clears one that is set."""
    examples = esc(either(t, date_examples(t, today + EXAMPLE_AHEAD)))
    rows = []
    if which == "start":
        text = t._("When does the campaign start? Type its first day, for example {examples}.").format(
            examples=examples
        )
        if campaign.starts_on:
            rows.append([InlineKeyboardButton(t._("No start date"), callback_data=NoStart(campaign.id).pack())])
    else:
        text = t._("When does the campaign end? Type its last day, for example {examples}.").format(
            examples=examples
        )
        if campaign.ends_on:
            rows.append([InlineKeyboardButton(t._("No end date"), callback_data=NoEnd(campaign.id).pack())])
    lines = [*([f"⚠️ {problem}", ""] if problem else []), "🎯 <b>" + esc(campaign.name) + "</b>", "", text]
    rows.append(back_row(t, OpenCampaign(campaign.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def goal_question(
    t: Translator, campaign: Campaign, metric: str, problem: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    text = t._("What is the campaign's goal for {what}? Type a number, for example 500.").format(
        what=goal_label(t, metric)
    )
    lines = [*([f"⚠️ {problem}", ""] if problem else []), "🎯 <b>" + esc(campaign.name) + "</b>", "", text]
    rows = []
    if metric in campaign.goals:
        rows.append([InlineKeyboardButton(
            "✖ " + t._("Remove this goal"), callback_data=RemoveGoal(campaign.id, cast(Metric, metric)).pack()
        )])
    rows.append(back_row(t, OpenCampaign(campaign.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def question(t: Translator) -> str:
    """/newshift's and /manage's question."""
    return t._("Which campaign is this shift part of?")


def choice_rows(
    t: Translator, campaigns: Sequence[tuple[int, str]], chosen: int | None, data: Callable[[int], str]
) -> list[list[InlineKeyboardButton]]:
    """A button per campaign (the chosen one ticked) and "No campaign"; `data(0)` is for none."""
    rows = [[InlineKeyboardButton(("✅ " if cid == chosen else "🎯 ") + name[:60], callback_data=data(cid))]
            for cid, name in campaigns[:40]]
    rows.append([InlineKeyboardButton(t._("No campaign"), callback_data=data(0))])
    return rows
