"""What /newshift shows: its buttons, each step's question above a summary of the draft, the preview.

Rendering only: handlers/newshift_dialogue.py decides the step and sends what these functions return.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from telegram import InlineKeyboardButton

from bot.clock import from_ts
from bot.i18n import N_, Translator
from bot.services.posting import Draft
from bot.services.typed_dates import EXAMPLE_AHEAD, date_examples, datetime_examples, either, full_day, time_examples
from bot.store.orgs import Org
from bot.store.shifts import NewShift, Shift
from bot.vocab import KIND_CODES, KIND_EMOJI, KINDS, OUTREACH_LANGUAGES, kind_name, outreach_language_name
from handlers import campaign_views
from handlers import shift_views as views
from handlers import translation_views as tr_views
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.shift_upload_views import upload_buttons
from handlers.shift_views import esc, hours_label

Rows = list[list[InlineKeyboardButton]]

ORG, TITLE, KIND, DATE, TIME, LENGTH = "org", "title", "kind", "date", "time", "length"
PLACE, PLACE_NAME, LINK, CAPACITY, LANGUAGES = "place", "place_name", "link", "capacity", "languages"
DESCRIPTION, DEADLINE, REPEAT, PREVIEW, EDIT = "description", "deadline", "repeat", "preview", "edit"
# The optional translation, offered at the preview: a language, then its title, description and place name.
TRANSLATE, TR_TITLE, TR_DESCRIPTION, TR_PLACE = "translate", "tr_title", "tr_description", "tr_place"
TR_FIELDS = {TR_TITLE: "title", TR_DESCRIPTION: "description", TR_PLACE: "place_name"}
CAMPAIGN = "campaign"  # asked only when the organization has campaigns
EDITABLE = {
    ORG: N_("Organization"), TITLE: N_("Title"), KIND: N_("Kind"), CAMPAIGN: N_("Campaign"), DATE: N_("Date"),
    TIME: N_("Start time"),
    LENGTH: N_("Length"), PLACE: N_("Place"), CAPACITY: N_("Volunteers needed"), LANGUAGES: N_("Languages"),
    DESCRIPTION: N_("Description"), DEADLINE: N_("Signup deadline"), REPEAT: N_("Repeat"),
    TRANSLATE: N_("Translations"),
}
DATE_BUTTONS = 14
TIME_SLOTS = tuple(time(h, m) for h, m in ((9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0),
                                           (16, 0), (17, 0), (18, 0), (18, 30), (19, 0)))
LENGTHS = (60, 90, 120, 180, 240)  # minutes
CAPACITIES = (5, 10, 15, 20, 30, 50)
DEADLINES = (0, 120, 1440, 2880)  # minutes before the start; 0: none
REPEATS = (1, 2, 4, 8, 12)  # weeks in all
EVERY = (1, 2, 3, 4)  # every how many weeks
ORGS_PER_PAGE = 10


# --- the buttons (callback data) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PickOrg(Button, prefix="ns:o"):
    org: int


@dataclass(frozen=True)
class OrgPage(Button, prefix="ns:op"):
    page: int


@dataclass(frozen=True)
class PickKind(Button, prefix="ns:k"):
    code: str


@dataclass(frozen=True)
class PickCampaign(Button, prefix="ns:cp"):
    campaign: int  # 0: none


@dataclass(frozen=True)
class PickDate(Button, prefix="ns:d"):
    day: str  # YYYYMMDD


@dataclass(frozen=True)
class MeantDate(Button, prefix="ns:dm"):
    """The date a typed one the reader's order couldn't settle was meant to be."""

    day: str  # YYYYMMDD


@dataclass(frozen=True)
class PickTime(Button, prefix="ns:t"):
    start: str  # HHMM


@dataclass(frozen=True)
class PickLength(Button, prefix="ns:l"):
    minutes: int


@dataclass(frozen=True)
class Online(Button, prefix="ns:on"):
    pass


@dataclass(frozen=True)
class PickCapacity(Button, prefix="ns:c"):
    count: int


@dataclass(frozen=True)
class ToggleLanguage(Button, prefix="ns:g"):
    code: str


@dataclass(frozen=True)
class LanguagesDone(Button, prefix="ns:gd"):
    pass


@dataclass(frozen=True)
class NoDescription(Button, prefix="ns:sk"):
    pass


@dataclass(frozen=True)
class PickDeadline(Button, prefix="ns:dl"):
    minutes: int  # before the start; 0: when it starts


@dataclass(frozen=True)
class PickRepeat(Button, prefix="ns:r"):
    weeks: int


@dataclass(frozen=True)
class ToggleWeekday(Button, prefix="ns:wd"):
    day: int  # date.weekday(): 0 is Monday


@dataclass(frozen=True)
class PickEvery(Button, prefix="ns:ev"):
    weeks: int  # one of EVERY


@dataclass(frozen=True)
class AddTranslation(Button, prefix="ns:ta"):
    pass


@dataclass(frozen=True)
class PickTranslation(Button, prefix="ns:tl"):
    locale: str


@dataclass(frozen=True)
class SkipTranslation(Button, prefix="ns:ts"):
    pass


@dataclass(frozen=True)
class RemoveTranslation(Button, prefix="ns:tx"):
    pass


@dataclass(frozen=True)
class TranslationsDone(Button, prefix="ns:td"):
    pass


@dataclass(frozen=True)
class Publish(Button, prefix="ns:pub"):
    pass


@dataclass(frozen=True)
class EditMenu(Button, prefix="ns:ed"):
    pass


@dataclass(frozen=True)
class EditField(Button, prefix="ns:ef"):
    step: str


@dataclass(frozen=True)
class Back(Button, prefix="ns:bk"):
    pass


@dataclass(frozen=True)
class Cancel(Button, prefix="ns:x"):
    pass


# --- the screens ------------------------------------------------------------------------------------------


def org_translator(t: Translator, org: Org) -> Translator:
    """The reader's language on the organization's clock: a shift's dates are the organization's dates."""
    return Translator(locale=t.locale, tz=ZoneInfo(org.timezone))


def _noon(ot: Translator, day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=ot.tz)


def card_shift(new: NewShift, org: Org) -> Shift:
    """A not-yet-saved shift as the card renders it: nobody signed up yet."""
    return Shift(
        id=0, org_id=org.id, org_name=org.name, org_slug=org.slug, title=new.title, kind=new.kind,
        description=new.description, place_name=new.place_name, address=new.address, latitude=new.latitude,
        longitude=new.longitude, online_url=new.online_url, region=new.region, starts_at=from_ts(new.starts_at),
        ends_at=from_ts(new.ends_at), timezone=new.timezone, capacity=new.capacity,
        signup_deadline=from_ts(new.signup_deadline) if new.signup_deadline else None, status="published",
        cancel_reason=None, confirmed_count=0, waitlist_count=0, languages=new.languages,
    )


def draft_summary(t: Translator, draft: Draft, org: Org | None) -> list[str]:
    """What they have said so far, a few short lines above each question."""
    head = "📝 <b>" + t._("New shift") + "</b>" + (f" · {esc(org.name)}" if org else "")
    lines = [head]
    if draft.title:
        kind = f" · {KIND_EMOJI[draft.kind]} {esc(kind_name(t, draft.kind))}" if draft.kind else ""
        lines.append(f"<b>{esc(draft.title)}</b>{kind}")
    if draft.day and org:
        ot = org_translator(t, org)
        parts = [ot.weekday_date(_noon(ot, draft.day))]
        if draft.start:
            parts.append(ot.time(datetime.combine(draft.day, draft.start, tzinfo=ot.tz)))
        if draft.minutes:
            parts.append(hours_label(t, draft.minutes))
        lines.append("🗓 " + esc(" · ".join(parts)))
    if draft.online_url:
        lines.append("💻 " + esc(draft.online_url))
    elif draft.has_place:
        lines.append("📍 " + esc(", ".join(p for p in (draft.place_name, draft.address) if p) or "📌"))
    return lines


def nav_row(t: Translator, back: bool) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton("◀ " + t._("Back"), callback_data=Back().pack())] if back else []
    return [*row, InlineKeyboardButton("✖ " + t._("Cancel"), callback_data=Cancel().pack())]


def question(
    t: Translator,
    step: str,
    draft: Draft,
    org: Org | None,
    now: datetime,
    *,
    back: bool,
    editing: bool,
    several_orgs: bool,
    orgs: Sequence[Org] = (),
    org_page: int = 0,
    tr_locale: str | None = None,
    meant: Sequence[date] = (),
    typed: str = "",
    campaigns: Sequence[tuple[int, str]] = (),
) -> tuple[str, Rows]:
    """The text and buttons of one step's question (`orgs`: the organizations offered at ORG; `tr_locale`:
    the language a translation is being typed in; `meant`: the dates a typed `typed` can be, when the
    reader's date order couldn't settle it; `campaigns`: the organization's, as (id, name))."""
    rows: Rows = []
    if step == ORG:
        text = t._("Which organization is the shift for?")
        first = org_page * ORGS_PER_PAGE
        for o in orgs[first : first + ORGS_PER_PAGE]:
            rows.append([InlineKeyboardButton(o.name[:60], callback_data=PickOrg(o.id).pack())])
        rows += pager(t, org_page, first + ORGS_PER_PAGE < len(orgs), lambda n: OrgPage(n).pack())
        rows += upload_buttons(t)
    elif step == TITLE:
        text = t._("What is the shift called? For example: <i>Weekly phone bank for Korean speakers</i>")
        if not editing:
            rows += upload_buttons(t)
    elif step == KIND:
        text = t._("What kind of shift is it?")
        rows = grid(
            [InlineKeyboardButton(f"{KIND_EMOJI[k]} {kind_name(t, k)}", callback_data=PickKind(KIND_CODES[k]).pack())
             for k in KINDS],
            2,
        )
    elif step == CAMPAIGN:
        text = campaign_views.question(t)
        rows = campaign_views.choice_rows(t, campaigns, draft.campaign_id, lambda c: PickCampaign(c).pack())
    elif step == DATE:
        assert org is not None
        ot = org_translator(t, org)
        today = now.astimezone(ot.tz).date()
        if meant:
            text = t._("Which date do you mean by “{typed}”? Tap it, or type the date again.").format(typed=esc(typed))
            rows = [[InlineKeyboardButton(full_day(ot, d), callback_data=MeantDate(f"{d:%Y%m%d}").pack())]
                    for d in meant]
        else:
            examples = either(t, date_examples(ot, today + EXAMPLE_AHEAD))
            text = t._("Which day? Tap one, or type a date (for example {examples}).").format(examples=esc(examples))
            days = (today + timedelta(days=i) for i in range(DATE_BUTTONS))
            rows = grid(
                [InlineKeyboardButton(ot.weekday_date(_noon(ot, d)), callback_data=PickDate(f"{d:%Y%m%d}").pack())
                 for d in days],
                2,
            )
    elif step == TIME:
        assert org is not None and draft.day is not None
        ot = org_translator(t, org)
        text = t._("What time does it start? Tap one, or type a time (for example {examples}).").format(
            examples=esc(either(t, time_examples(ot)))
        )
        slots = [s for s in TIME_SLOTS if datetime.combine(draft.day, s, tzinfo=ot.tz) > now]
        rows = grid(
            [InlineKeyboardButton(ot.time(datetime.combine(draft.day, s, tzinfo=ot.tz)),
                                  callback_data=PickTime(f"{s:%H%M}").pack()) for s in slots],
            4,
        )
    elif step == LENGTH:
        text = t._("How long is it? Tap one, or type hours (for example 2.5) or minutes (90m).")
        rows = [[InlineKeyboardButton(hours_label(t, m), callback_data=PickLength(m).pack()) for m in LENGTHS]]
    elif step == PLACE:
        text = t._(
            "Where is it? Type the address, share a location (📎 → Location), or tap Online if it happens online."
        )
        rows = [[InlineKeyboardButton("💻 " + t._("Online"), callback_data=Online().pack())]]
    elif step == PLACE_NAME:
        text = t._(
            "Got the location. What should volunteers look for there? For example: <i>KAYA office, 2nd floor</i>"
        )
    elif step == LINK:
        text = t._("Send the link volunteers will join, for example https://zoom.us/j/123456789")
    elif step == CAPACITY:
        text = t._("How many volunteers can sign up? Tap one, or type a number from 1 to 10,000.")
        rows = [[InlineKeyboardButton(t.number(n), callback_data=PickCapacity(n).pack()) for n in CAPACITIES]]
    elif step == LANGUAGES:
        text = t._(
            "Which languages must volunteers speak? Tap all that apply, then Done. "
            "Leave them all unticked if any language will do."
        )
        rows = grid(
            [
                InlineKeyboardButton(
                    ("✓ " if code in draft.languages else "") + outreach_language_name(t, code),
                    callback_data=ToggleLanguage(code).pack(),
                )
                for code in OUTREACH_LANGUAGES
            ],
            3,
        )
        rows.append([InlineKeyboardButton("✅ " + t._("Done"), callback_data=LanguagesDone().pack())])
    elif step == DESCRIPTION:
        text = t._(
            "Anything else volunteers should know: what to bring, parking, training? Type it, or tap No description."
        )
        rows = [[InlineKeyboardButton(t._("No description"), callback_data=NoDescription().pack())]]
    elif step == DEADLINE:
        assert org is not None
        ot = org_translator(t, org)
        before = (draft.day or now.astimezone(ot.tz).date() + EXAMPLE_AHEAD) - timedelta(days=1)
        text = t._("When do signups close? Tap one, or type a date and time (for example {examples}).").format(
            examples=esc(either(t, datetime_examples(ot, before)))
        )
        labels = {
            0: t._("When it starts"),
            120: t._("2 hours before"),
            1440: t._("1 day before"),
            2880: t._("2 days before"),
        }
        rows = grid([InlineKeyboardButton(labels[m], callback_data=PickDeadline(m).pack()) for m in DEADLINES], 2)
    elif step == REPEAT:
        assert draft.day is not None
        text = t._(
            "Does it repeat? Tick the days of the week and how often, then tap how many weeks it runs "
            "in all, or type a number from 1 to 12."
        )
        rows = repeat_rows(t, draft)
    elif step == TRANSLATE:
        done = [code for code in draft.texts if draft.texts[code]]
        text = tr_views.which_language(t)
        rows = tr_views.locale_rows(done, lambda code: PickTranslation(code).pack())
        rows.append([InlineKeyboardButton("✅ " + t._("Done"), callback_data=TranslationsDone().pack())])
    elif step in TR_FIELDS:
        assert tr_locale is not None
        name = TR_FIELDS[step]
        text = tr_views.field_question(t, name, tr_locale, getattr(draft, name))
        rows = [[InlineKeyboardButton(t._("Skip"), callback_data=SkipTranslation().pack())]]
        if step == TR_TITLE and draft.texts.get(tr_locale):
            rows.append([InlineKeyboardButton("🗑 " + t._("Remove this translation"),
                                              callback_data=RemoveTranslation().pack())])
    elif step == EDIT:
        text = t._("What would you like to change?")
        fields = [s for s in EDITABLE if (s != ORG or several_orgs) and (s != CAMPAIGN or campaigns)]
        rows = grid([InlineKeyboardButton(t._(EDITABLE[s]), callback_data=EditField(s).pack()) for s in fields], 2)
    else:
        raise AssertionError(f"no question for step {step}")
    rows.append(nav_row(t, back))
    return "\n".join([*draft_summary(t, draft, org), "", text]), rows


def weekday_names(t: Translator) -> dict[int, str]:
    """Short weekday names in the reader's language (CLDR's, through Babel), Monday (0) first."""
    return dict(get_day_names("abbreviated", "stand-alone", locale=t.babel))


def every_label(t: Translator, weeks: int) -> str:
    if weeks == 1:
        return t._("Every week")
    return t.ngettext("Every {count} week", "Every {count} weeks", weeks).format(count=t.number(weeks))


def repeat_rows(t: Translator, draft: Draft) -> Rows:
    """The repeat question's buttons: weekdays to tick (the first date's is ticked to begin with), how often
    (one ticked), then how many weeks in all, which goes on to the preview."""
    chosen = draft.repeat_days()
    names = weekday_names(t)
    days = [
        InlineKeyboardButton(("✓ " if d in chosen else "") + names[d], callback_data=ToggleWeekday(d).pack())
        for d in range(7)
    ]
    every = [
        InlineKeyboardButton(("✓ " if n == draft.every else "") + every_label(t, n), callback_data=PickEvery(n).pack())
        for n in EVERY
    ]
    counts = [InlineKeyboardButton(t._("Just once"), callback_data=PickRepeat(1).pack())] + [
        InlineKeyboardButton(
            t.ngettext("{count} week in all", "{count} weeks in all", n).format(count=t.number(n)),
            callback_data=PickRepeat(n).pack(),
        )
        for n in REPEATS[1:]
    ]
    return [days[:4], days[4:], *grid(every, 2), *grid(counts, 2)]


TEXT_MAX = 4096  # Telegram's limit on a message's text, in UTF-16 units after the HTML is read


def shown_length(text: str) -> int:
    """How long `text` (HTML) is on Telegram: tags gone, entities read, in UTF-16 units (the send path's
    direction marks never push a text over: then it goes without them)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def _dates_that_fit(lines: list[str], room: int) -> list[str]:
    """Every date, one per line; when they don't all fit in `room`, the first ones, "…" and the last
    (the heading says how many there are)."""
    if sum(shown_length(line) + 1 for line in lines) <= room:
        return lines
    used = shown_length("…") + shown_length(lines[-1]) + 2
    kept: list[str] = []
    for line in lines[:-1]:
        used += shown_length(line) + 1
        if used > room:
            break
        kept.append(line)
    return [*kept, "…", lines[-1]]


def preview(t: Translator, shifts: list[NewShift], org: Org, around: str = "", campaign: str | None = None) -> str:
    """The first shift's card exactly as volunteers get it, then what the card doesn't say (repeats, deadline).
    `around`: what the message says besides, so a long series' dates are cut to what fits with it."""
    ot = org_translator(t, org)
    body = views.card(ot, card_shift(shifts[0], org))
    extras = []
    dates: list[str] = []
    if len(shifts) > 1:  # every date, one per line, with its year: a series may run into the next one
        heading = t.ngettext("Repeats: {count} date", "Repeats: {count} dates", len(shifts))
        extras.append("🔁 " + heading.format(count=t.number(len(shifts))))
        # The bot's own dates, so not isolated like people's text: sixty of them must fit one message.
        dates = [html.escape(full_day(ot, from_ts(s.starts_at).astimezone(ot.tz).date())) for s in shifts]
    if campaign:
        extras.append("🎯 " + t._("Campaign: {name}").format(name=esc(campaign)))
    translated = list(dict.fromkeys(locale for locale, _, _ in shifts[0].texts))
    if translated:
        extras.append(tr_views.translations_line(t, translated))
    if shifts[0].signup_deadline:
        closes = ot.datetime(from_ts(shifts[0].signup_deadline)) + " " + ot.zone(from_ts(shifts[0].signup_deadline))
        extras.append("⏰ " + t._("Signups close {when}.").format(when=esc(closes)))
        if len(shifts) > 1:
            extras[-1] += " " + t._("The same time before each of the others.")
    if dates:
        room = TEXT_MAX - shown_length("\n".join([around, body, "", *extras]))
        extras[1:1] = _dates_that_fit(dates, room)
    return "\n".join([body, *(["", *extras] if extras else [])])


def preview_screen(
    t: Translator, shifts: list[NewShift], org: Org, *, back: bool, campaign: str | None = None
) -> tuple[str, Rows]:
    """The last step: the card, Publish, Edit."""
    heading = "👀 <b>" + t._("Preview: this is what volunteers will see.") + "</b>"
    label = (
        t._("Publish")
        if len(shifts) == 1
        else t.ngettext("Publish {count} shift", "Publish {count} shifts", len(shifts)).format(
            count=t.number(len(shifts))
        )
    )
    rows = [
        [InlineKeyboardButton("✅ " + label, callback_data=Publish().pack())],
        [InlineKeyboardButton("✏️ " + t._("Edit"), callback_data=EditMenu().pack()),
         InlineKeyboardButton(tr_views.add_label(t), callback_data=AddTranslation().pack())],
        nav_row(t, back),
    ]
    return heading + "\n\n" + preview(t, shifts, org, heading + "\n", campaign), rows


def published(
    t: Translator, shifts: list[NewShift], org: Org, shift_ids: list[int], bot_username: str,
    campaign: str | None = None,
) -> str:
    """What the preview becomes once published: done, the card, a link to share."""
    count = len(shift_ids)
    done = (
        t._("✅ Published! Volunteers who match it can find it on /shifts now.")
        if count == 1
        else t.ngettext(
            "✅ Published {count} shift! Volunteers who match them can find them on /shifts now.",
            "✅ Published {count} shifts! Volunteers who match them can find them on /shifts now.",
            count,
        ).format(count=t.number(count))
    )
    link = f"https://t.me/{bot_username}?start=shift-{shift_ids[0]}"
    share = t._("Share it with this link: {link}").format(link=link)
    top = f"<b>{done}</b>\n"
    around = top + "\n\n" + share  # every character the message has besides the card, its line breaks too
    return f"{top}\n{preview(t, shifts, org, around, campaign)}\n\n{share}"
