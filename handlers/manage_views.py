"""/manage's screens and buttons: what a coordinator sees of a shift they manage, apart from the handlers
(handlers/manage.py) that load it, check who may act and send it.

Every button is a codec class (handlers/kit/callbacks.py) under the `mg` prefix, so the open /manage
question survives its own buttons and closes on anyone else's. Data never carries more than ids and
small choices; the shift is read again, and the presser checked, on every press. The languages being
ticked travel in the buttons as a bitmask, so that picker needs no stored state at all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Translator, available_locales, language_name
from bot.services import shift_texts
from bot.services.shift_admin import EditResult
from bot.services.typed_dates import date_examples, datetime_examples, either, full_day, time_examples
from bot.store.shifts import CHECKIN_OPENS_DEFAULT, CHECKIN_OPENS_MAX, Shift
from bot.vocab import KIND_CODES, KIND_EMOJI, OUTREACH_LANGUAGES
from handlers import campaign_views
from handlers import shift_views as views
from handlers import translation_views as tr_views
from handlers.kit import pickers
from handlers.kit.callbacks import Button
from handlers.kit.keyboards import grid, pager
from handlers.shift_notices import clip
from handlers.shift_views import hours_label

PAGE_SIZE = 8
DEADLINES = pickers.DEADLINES

# Fields typed as text: code → (button label, question).
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "ti": (N_("Title"), N_("Type the new title. For example: <i>Weekly phone bank for Korean speakers</i>")),
    "wh": (
        N_("Date and time"),
        N_("Type the new start, for example <i>{example}</i>, or only a time (<i>{time}</i>) to keep the day. "
           "The length stays the same."),
    ),
    "ln": (N_("Length"), N_("How long is it? Type hours (for example 2.5) or minutes (90m).")),
    "pn": (N_("Place name"), N_("What should volunteers look for there? For example: <i>KAYA office, 2nd floor</i>")),
    "ad": (N_("Address"), N_("Type the new address, for example <i>123 Main St, Oakland, CA</i>.")),
    "ol": (N_("Online link"), N_("Send the link volunteers will join, for example https://zoom.us/j/123456789")),
    "ca": (N_("Volunteers needed"), N_("How many volunteers can sign up? Type a number from 1 to 10,000.")),
    "de": (N_("Description"), N_("Type the new description: what to bring, parking, training…")),
    "co": (
        N_("Check-in opens"),
        N_("How many minutes before the start should check-in open? Type a number from 0 to {max}, for example "
           "<i>{example}</i>. Hours never count from earlier than that."),
    ),
}
MENU_ORDER = ("ti", "k", "wh", "ln", "pn", "ad", "ol", "ca", "g", "de", "dl", "co", "cp")
MENU_LABELS = {"k": N_("Kind"), "g": N_("Languages"), "dl": N_("Signup deadline"), "cp": N_("Campaign")}


# --- buttons ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Button, prefix="mg:l"):
    """A page of the coordinator's upcoming shifts."""

    page: int


@dataclass(frozen=True)
class ShiftButton(Button):
    """A button about one shift (every one but the listing's pages)."""

    shift: int


@dataclass(frozen=True)
class Open(ShiftButton, prefix="mg:p"):
    """The shift's panel."""


@dataclass(frozen=True)
class EditMenu(ShiftButton, prefix="mg:e"):
    pass


@dataclass(frozen=True)
class AskField(ShiftButton, prefix="mg:f"):
    field: str  # a TEXT_FIELDS code


@dataclass(frozen=True)
class MeantWhen(ShiftButton, prefix="mg:wm"):
    """The new date and time a typed one was meant to be, when the reader's date order couldn't settle it."""

    day: int  # yyyymmdd
    start: int  # HHMM


@dataclass(frozen=True)
class KindMenu(ShiftButton, prefix="mg:k"):
    pass


@dataclass(frozen=True)
class SetKind(ShiftButton, prefix="mg:kk"):
    kind: str  # a KIND_CODES code


@dataclass(frozen=True)
class Languages(ShiftButton, prefix="mg:g"):
    """The language picker with these languages ticked (a bitmask over OUTREACH_LANGUAGES)."""

    ticked: int


@dataclass(frozen=True)
class SaveLanguages(ShiftButton, prefix="mg:gs"):
    ticked: int


@dataclass(frozen=True)
class DeadlineMenu(ShiftButton, prefix="mg:dm"):
    pass


@dataclass(frozen=True)
class SetDeadline(ShiftButton, prefix="mg:dl"):
    minutes: int  # one of DEADLINES


@dataclass(frozen=True)
class CampaignMenu(ShiftButton, prefix="mg:cm"):
    pass


@dataclass(frozen=True)
class SetCampaign(ShiftButton, prefix="mg:cs"):
    campaign: int  # 0: none


@dataclass(frozen=True)
class CutCapacity(ShiftButton, prefix="mg:cap"):
    """Confirms a capacity below the number signed up."""

    capacity: int


@dataclass(frozen=True)
class NoDescription(ShiftButton, prefix="mg:dc"):
    pass


@dataclass(frozen=True)
class AskReason(ShiftButton, prefix="mg:x"):
    """Cancel the shift: asks why."""


@dataclass(frozen=True)
class ConfirmCancel(ShiftButton, prefix="mg:xy"):
    pass


@dataclass(frozen=True)
class Duplicate(ShiftButton, prefix="mg:d"):
    """Asks which day the copy is on."""


@dataclass(frozen=True)
class DuplicateTo(ShiftButton, prefix="mg:dd"):
    day: int  # yyyymmdd


@dataclass(frozen=True)
class CopyMeant(ShiftButton, prefix="mg:dw"):
    """The day a typed one for a copy was meant to be, when the reader's date order couldn't settle it."""

    day: int  # yyyymmdd


@dataclass(frozen=True)
class AskMessage(ShiftButton, prefix="mg:m"):
    """Message everyone: asks for the text."""


@dataclass(frozen=True)
class Waitlist(ShiftButton, prefix="mg:mw"):
    """Also (or no longer) the waitlist."""


@dataclass(frozen=True)
class SendMessage(ShiftButton, prefix="mg:ms"):
    pass


@dataclass(frozen=True)
class Roster(ShiftButton, prefix="mg:r"):
    pass


@dataclass(frozen=True)
class MessageVersions(ShiftButton, prefix="mg:v"):
    """Which language to write the message to everyone in too."""


@dataclass(frozen=True)
class MessageVersion(ShiftButton, prefix="mg:vl"):
    locale: str  # read again as a reader locale (a forged one is refused)


@dataclass(frozen=True)
class RemoveMessageVersion(ShiftButton, prefix="mg:vx"):
    pass


@dataclass(frozen=True)
class MessagePreview(ShiftButton, prefix="mg:mp"):
    """Back to the message's preview."""


@dataclass(frozen=True)
class Translations(ShiftButton, prefix="mg:t"):
    """The shift's translations: which language to add, change or remove."""


@dataclass(frozen=True)
class Translate(ShiftButton, prefix="mg:tl"):
    locale: str  # a catalog code, read again by the service (a forged one is refused)


@dataclass(frozen=True)
class SkipTranslation(ShiftButton, prefix="mg:ts"):
    """Keeps this field of the translation as it is (or without one) and asks the next."""

    field: str  # the field asked, so an earlier question's Skip skips nothing else


@dataclass(frozen=True)
class RemoveTranslation(ShiftButton, prefix="mg:tx"):
    pass


def language_mask(codes: tuple[str, ...] | list[str]) -> int:
    return sum(1 << i for i, code in enumerate(OUTREACH_LANGUAGES) if code in codes)


def mask_languages(mask: int) -> list[str]:
    """The codes a bitmask ticks, in the picker's order (bits beyond the list, forged, are ignored)."""
    return [code for i, code in enumerate(OUTREACH_LANGUAGES) if mask >> i & 1]


def day_code(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


# --- shared pieces ----------------------------------------------------------------------------------------


def shift_translator(t: Translator, shift: Shift) -> Translator:
    """The reader's language on the shift's own clock: coordinators plan in the shift's local time."""
    return Translator(locale=t.locale, tz=ZoneInfo(shift.timezone))


def is_open(shift: Shift, now: datetime) -> bool:
    return shift.status == "published" and shift.ends_at > now


def stale(t: Translator) -> str:
    return t._("This button no longer works. Please send /start.")


def closed(t: Translator) -> str:
    return t._("This shift is over or cancelled, so it can't be changed any more.")


def already_sent(t: Translator) -> str:
    return t._("This was sent already.")


def counts(t: Translator, shift: Shift) -> str:
    return "👥 " + t._("{confirmed} of {capacity} signed up · {waiting} on the waitlist").format(
        confirmed=t.number(shift.confirmed_count), capacity=t.number(shift.capacity),
        waiting=t.number(shift.waitlist_count),
    )


def heading(t: Translator, shift: Shift) -> str:
    st = shift_translator(t, shift)
    return f"{KIND_EMOJI[shift.kind]} <b>{views.esc(shift.title)}</b>\n🗓 {views.esc(views.when(st, shift))}"


def back(t: Translator, button: Button) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton("◀ " + t._("Back"), callback_data=button.pack())]


def problem_markup(t: Translator, shift: Shift) -> InlineKeyboardMarkup:
    """Under a typed answer that broke a rule: Back to the panel."""
    return InlineKeyboardMarkup([back(t, Open(shift.id))])


# --- the listing and the panel ------------------------------------------------------------------------------


def no_shifts(t: Translator) -> str:
    return "🗂 " + t._("You have no upcoming shifts. Post one with /newshift.")


def listing(t: Translator, shifts: list[Shift], page: int, pages: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        "🗂 <b>" + t._("Your upcoming shifts") + "</b>",
        views.esc(t._("page {page} of {pages}").format(page=t.number(page + 1), pages=t.number(pages))),
        "",
    ]
    first = page * PAGE_SIZE + 1
    lines += [views.list_line(t, first + i, s) + "\n" for i, s in enumerate(shifts)]
    lines.append(t._("Tap a number to manage that shift."))
    numbers = [InlineKeyboardButton(str(first + i), callback_data=Open(s.id).pack()) for i, s in enumerate(shifts)]
    rows = grid(numbers, 4)
    rows += pager(t, page, page + 1 < pages, lambda n: Page(n).pack())
    return "\n".join(lines).rstrip(), InlineKeyboardMarkup(rows)


def panel(t: Translator, shift: Shift, now: datetime, note: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """A shift as its coordinator manages it: the volunteers' card, the counts, and what can be done."""
    st = shift_translator(t, shift)
    lines = [note, ""] if note else []
    lines.append(views.card(st, shift))
    lines.append("")
    if shift.signup_deadline:
        lines.append("⏱ " + t._("Signups close: {when}").format(when=views.esc(st.datetime(shift.signup_deadline))))
    lines.append(counts(t, shift))
    if shift.campaign_name:
        lines.append("🎯 " + t._("Campaign: {name}").format(name=views.esc(shift.campaign_name)))
    s = shift.id
    roster = InlineKeyboardButton("👥 " + t._("Roster"), callback_data=Roster(s).pack())
    duplicate = InlineKeyboardButton("📄 " + t._("Duplicate"), callback_data=Duplicate(s).pack())
    if is_open(shift, now):
        rows = [
            [InlineKeyboardButton("✏️ " + t._("Edit"), callback_data=EditMenu(s).pack()), roster],
            [InlineKeyboardButton("✉️ " + t._("Message everyone"), callback_data=AskMessage(s).pack()), duplicate],
            [InlineKeyboardButton("❌ " + t._("Cancel the shift"), callback_data=AskReason(s).pack())],
        ]
    else:
        rows = [[roster, duplicate]]
    rows.append([InlineKeyboardButton("◀ " + t._("All my shifts"), callback_data=Page(0).pack())])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


# --- editing ------------------------------------------------------------------------------------------------


def edit_menu(t: Translator, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    s = shift.id
    buttons = []
    for code in MENU_ORDER:
        label = t._(TEXT_FIELDS[code][0]) if code in TEXT_FIELDS else t._(MENU_LABELS[code])
        button: Button
        if code in TEXT_FIELDS:
            button = AskField(s, code)
        elif code == "k":
            button = KindMenu(s)
        elif code == "g":
            button = Languages(s, language_mask(shift.languages))
        elif code == "cp":
            button = CampaignMenu(s)
        else:
            button = DeadlineMenu(s)
        buttons.append(InlineKeyboardButton(label, callback_data=button.pack()))
    translations = InlineKeyboardButton("🌐 " + t._("Translations"), callback_data=Translations(s).pack())
    rows = [*grid(buttons, 2), [translations], back(t, Open(s))]
    return heading(t, shift) + "\n\n" + t._("What would you like to change?"), InlineKeyboardMarkup(rows)


def translations_menu(
    t: Translator, shift: Shift, done: Sequence[str], note: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """Which language to write (those translated already ticked, to change or remove)."""
    lines = [note, ""] if note else []
    lines += [heading(t, shift), ""]
    if done:
        lines += [tr_views.translations_line(t, done), ""]
    lines.append(tr_views.which_language(t))
    rows = [*tr_views.locale_rows(done, lambda code: Translate(shift.id, code).pack()), back(t, EditMenu(shift.id))]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def translation_removed_note(t: Translator, locale: str) -> str:
    return "🗑 " + t._("The translation in {language} is removed.").format(language=views.esc(language_name(locale)))


def translation_question(
    t: Translator, shift: Shift, field: str, locale: str, problem: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """One field in `locale` under its original, with the translation it has now (typing replaces it)."""
    mine = shift_texts.texts_of(shift, locale)
    now_text = mine.get(field)
    lines = [heading(t, shift), ""]
    if problem:
        lines += ["⚠️ " + problem, ""]
    lines.append(tr_views.field_question(t, field, locale, getattr(shift, field)))
    if now_text:
        lines.append(t._("Now: {value}").format(value=views.esc(clip(now_text, 300))))
    rows = [[InlineKeyboardButton(t._("Skip"), callback_data=SkipTranslation(shift.id, field).pack())]]
    if field == "title" and mine:
        rows.append([InlineKeyboardButton("🗑 " + t._("Remove this translation"),
                                          callback_data=RemoveTranslation(shift.id).pack())])
    rows.append(back(t, Translations(shift.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def current_value(t: Translator, shift: Shift, code: str) -> str:
    st = shift_translator(t, shift)
    minutes = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    values = {
        "ti": shift.title,
        "wh": f"{views.when(st, shift)}",
        "ln": hours_label(t, minutes),
        "pn": shift.place_name or "—",
        "ad": shift.address or "—",
        "ol": shift.online_url or "—",
        "ca": t._("{capacity} ({confirmed} signed up)").format(
            capacity=t.number(shift.capacity), confirmed=t.number(shift.confirmed_count)
        ),
        "de": clip(shift.description, 300) or "—",
    }
    if code == "co":
        return opens_value(t, shift)
    return values[code]


def opens_value(t: Translator, shift: Shift) -> str:
    """'30 minutes before the start, at 9:30 AM' (on the shift's clock)."""
    st, minutes = shift_translator(t, shift), shift.checkin_opens_minutes
    return t.ngettext(
        "{count} minute before the start, at {time}", "{count} minutes before the start, at {time}", minutes
    ).format(count=t.number(minutes), time=st.time(shift.starts_at - timedelta(minutes=minutes)))


def field_question(
    t: Translator, shift: Shift, code: str, problem: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [heading(t, shift), ""]
    if problem:
        lines += ["⚠️ " + problem, ""]
    question = t._(TEXT_FIELDS[code][1])
    if code == "wh":  # examples the parser reads back, in the reader's language, on the shift's clock
        st = shift_translator(t, shift)
        day = st.local(shift.starts_at).date() + timedelta(days=7)
        question = question.format(
            example=views.esc(datetime_examples(st, day)[0]), time=views.esc(time_examples(st)[0])
        )
    elif code == "co":
        question = question.format(
            max=t.number(CHECKIN_OPENS_MAX), example=t.number(CHECKIN_OPENS_DEFAULT)
        )
    lines.append(question)
    lines.append(t._("Now: {value}").format(value=views.esc(current_value(t, shift, code))))
    rows = []
    if code == "de" and shift.description:
        rows.append([InlineKeyboardButton("🗑 " + t._("No description"), callback_data=NoDescription(shift.id).pack())])
    rows.append(back(t, EditMenu(shift.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def when_code(day: date, clock: time) -> str:
    """A reading offered for an ambiguous new date, as the open question keeps it: 'yyyymmddHHMM'."""
    return f"{day_code(day):08d}{clock.hour:02d}{clock.minute:02d}"


def _which_meant(
    t: Translator, shift: Shift, typed: str, buttons: list[InlineKeyboardButton], back_to: Button
) -> tuple[str, InlineKeyboardMarkup]:
    """Which date a typed one meant, when the reader's date order can't settle it: a button per reading,
    as /newshift asks."""
    text = "\n".join(
        [
            heading(t, shift),
            "",
            t._("Which date do you mean by “{typed}”? Tap it, or type the date again.").format(typed=views.esc(typed)),
        ]
    )
    return text, InlineKeyboardMarkup([*([b] for b in buttons), back(t, back_to)])


def meant_question(
    t: Translator, shift: Shift, typed: str, readings: list[tuple[date, time]]
) -> tuple[str, InlineKeyboardMarkup]:
    """A new start's date and time: each reading at the time typed, or the shift's own."""
    st = shift_translator(t, shift)
    buttons = [
        InlineKeyboardButton(
            f"{full_day(st, day)} · {st.time(datetime.combine(day, clock, tzinfo=st.tz))}",
            callback_data=MeantWhen(shift.id, day_code(day), clock.hour * 100 + clock.minute).pack(),
        )
        for day, clock in readings
    ]
    return _which_meant(t, shift, typed, buttons, EditMenu(shift.id))


def copy_meant_question(t: Translator, shift: Shift, typed: str, days: list[date]) -> tuple[str, InlineKeyboardMarkup]:
    """The day of a copy: each reading, as a day (the copy keeps the shift's time)."""
    st = shift_translator(t, shift)
    buttons = [
        InlineKeyboardButton(full_day(st, d), callback_data=CopyMeant(shift.id, day_code(d)).pack()) for d in days
    ]
    return _which_meant(t, shift, typed, buttons, Open(shift.id))


def capacity_question(t: Translator, shift: Shift, capacity: int) -> tuple[str, InlineKeyboardMarkup]:
    moving = shift.confirmed_count - capacity
    text = "\n".join(
        [
            heading(t, shift),
            "",
            "⚠️ "
            + t.ngettext(
                "{count} person is signed up beyond {capacity} places: the last to sign up moves to the top of "
                "the waitlist and is told.",
                "{count} people are signed up beyond {capacity} places: the last to sign up move to the top of "
                "the waitlist and are told.",
                moving,
            ).format(count=t.number(moving), capacity=t.number(capacity)),
            "",
            t._("Change the number of volunteers to {capacity}?").format(capacity=t.number(capacity)),
        ]
    )
    rows = [
        [InlineKeyboardButton("✅ " + t._("Yes, change it"), callback_data=CutCapacity(shift.id, capacity).pack())],
        back(t, EditMenu(shift.id)),
    ]
    return text, InlineKeyboardMarkup(rows)


def saved_note(t: Translator, result: EditResult) -> str:
    if not result.topics:
        return "ℹ️ " + t._("Nothing changed.")
    parts = ["✅ " + t._("Saved.")]
    if result.told:
        parts.append(
            t.ngettext(
                "I'm telling the {count} person on this shift what changed.",
                "I'm telling the {count} people on this shift what changed.",
                result.told,
            ).format(count=t.number(result.told))
        )
    if result.moved_to_waitlist:
        count = len(result.moved_to_waitlist)
        parts.append(
            t.ngettext(
                "{count} person moved to the waitlist and is being told.",
                "{count} people moved to the waitlist and are being told.",
                count,
            ).format(count=t.number(count))
        )
    if result.promoted:
        count = len(result.promoted)
        parts.append(
            t.ngettext(
                "{count} person moved up from the waitlist and is being told.",
                "{count} people moved up from the waitlist and are being told.",
                count,
            ).format(count=t.number(count))
        )
    return " ".join(parts)


def kind_picker(t: Translator, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        *pickers.kind_rows(t, lambda k: SetKind(shift.id, KIND_CODES[k]).pack(), chosen=(shift.kind,)),
        back(t, EditMenu(shift.id)),
    ]
    return heading(t, shift) + "\n\n" + t._("What kind of shift is it?"), InlineKeyboardMarkup(rows)


def campaign_picker(
    t: Translator, shift: Shift, campaigns: Sequence[tuple[int, str]]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        *campaign_views.choice_rows(t, campaigns, shift.campaign_id, lambda c: SetCampaign(shift.id, c).pack()),
        back(t, EditMenu(shift.id)),
    ]
    text = heading(t, shift) + "\n\n" + campaign_views.question(t)
    if not campaigns:
        text += "\n\n" + t._("No campaigns yet. A campaign groups shifts and sets goals for doors, conversations, "
                              "calls, texts and hours.") + " /campaigns"
    return text, InlineKeyboardMarkup(rows)


def languages_picker(t: Translator, shift: Shift, mask: int) -> tuple[str, InlineKeyboardMarkup]:
    text = heading(t, shift) + "\n\n" + t._(
        "Which languages must volunteers speak? Tap all that apply, then Save. "
        "Leave them all unticked if any language will do."
    )
    bits = {code: 1 << i for i, code in enumerate(OUTREACH_LANGUAGES)}
    rows = [
        *pickers.outreach_language_rows(
            t, lambda code: Languages(shift.id, mask ^ bits[code]).pack(), chosen=mask_languages(mask)
        ),
        [InlineKeyboardButton("✅ " + t._("Save"), callback_data=SaveLanguages(shift.id, mask).pack())],
        back(t, EditMenu(shift.id)),
    ]
    return text, InlineKeyboardMarkup(rows)


def deadline_picker(t: Translator, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    rows = [*pickers.deadline_rows(t, lambda m: SetDeadline(shift.id, m).pack()), back(t, EditMenu(shift.id))]
    return heading(t, shift) + "\n\n" + t._("When do signups close?"), InlineKeyboardMarkup(rows)


# --- typed questions: cancelling, duplicating, messaging ------------------------------------------------------


def text_question(t: Translator, shift: Shift, prompt: str) -> tuple[str, InlineKeyboardMarkup]:
    """A typed question about this shift, under its heading and counts, with a Back button."""
    return "\n".join([heading(t, shift), counts(t, shift), "", prompt]), InlineKeyboardMarkup([back(t, Open(shift.id))])


def reason_question(t: Translator, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    prompt = t._(
        "Why is it cancelled? Type a short reason (up to 500 characters): everyone signed up or waiting "
        "will read it, in a message from the bot."
    )
    return text_question(t, shift, prompt)


def cancel_confirmation(t: Translator, shift: Shift, reason: str) -> tuple[str, InlineKeyboardMarkup]:
    told = shift.confirmed_count + shift.waitlist_count
    lines = [
        heading(t, shift),
        "",
        "❓ " + t._("Cancel this shift?"),
        t.ngettext(
            "{count} person will be told, with your reason:", "{count} people will be told, with your reason:", told
        ).format(count=t.number(told)),
        "",
        f"<i>{views.esc(reason)}</i>",
    ]
    rows = [
        [InlineKeyboardButton("❌ " + t._("Yes, cancel the shift"), callback_data=ConfirmCancel(shift.id).pack())],
        [InlineKeyboardButton(t._("No, keep it"), callback_data=Open(shift.id).pack())],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def cancelled_note(t: Translator, told: int) -> str:
    return "❌ " + t.ngettext(
        "The shift is cancelled. I'm telling the {count} person who was on it.",
        "The shift is cancelled. I'm telling the {count} people who were on it.",
        told,
    ).format(count=t.number(told))


def duplicate_question(t: Translator, shift: Shift, days: list[date]) -> tuple[str, InlineKeyboardMarkup]:
    st = shift_translator(t, shift)
    text = "\n".join(
        [
            heading(t, shift),
            "",
            t._("Which day should the copy be on? Tap one, or type a date (for example {examples}). "
                "It starts at the same time, {time}, and keeps everything else; nobody is signed up yet.").format(
                time=views.esc(st.time(shift.starts_at)),
                examples=views.esc(either(t, date_examples(st, st.local(shift.starts_at).date() + timedelta(days=7)))),
            ),
        ]
    )
    buttons = [
        InlineKeyboardButton(
            st.weekday_date(datetime.combine(d, time(12), tzinfo=st.tz)),
            callback_data=DuplicateTo(shift.id, day_code(d)).pack(),
        )
        for d in days
    ]
    rows = [*grid(buttons, 2), back(t, Open(shift.id))]
    return text, InlineKeyboardMarkup(rows)


def copied_note(t: Translator) -> str:
    return "📄 " + t._("Copied. This is the new shift; volunteers can sign up for it now:")


def message_question(t: Translator, shift: Shift) -> tuple[str, InlineKeyboardMarkup]:
    prompt = t._(
        "Type your message to the volunteers on this shift (up to 1,000 characters). "
        "You'll see it before it's sent."
    )
    return text_question(t, shift, prompt)


def message_preview(
    t: Translator, shift: Shift, text: str, waitlist: bool, confirmed: int, waiting: int,
    texts: Sequence[str] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    """The message before it goes (`texts`: the languages it is written in too)."""
    count = confirmed + (waiting if waitlist else 0)
    lines = [
        "👀 <b>" + t._("Preview") + "</b> · " + views.esc(shift.title),
        "",
        views.esc(text),
        "",
        t.ngettext("It goes to {count} person.", "It goes to {count} people.", count).format(count=t.number(count)),
    ]
    if texts:
        lines.append(tr_views.translations_line(t, [c for c in available_locales() if c in texts]))
    rows = []
    if waiting:
        label = ("✓ " if waitlist else "") + t._("Also the waitlist ({count})").format(count=t.number(waiting))
        rows.append([InlineKeyboardButton(label, callback_data=Waitlist(shift.id).pack())])
    if count:
        rows.append([InlineKeyboardButton("✅ " + t._("Send"), callback_data=SendMessage(shift.id).pack())])
    else:
        lines.append(t._("Nobody is on this shift yet."))
    rows.append([
        InlineKeyboardButton("✏️ " + t._("Change the message"), callback_data=AskMessage(shift.id).pack()),
        InlineKeyboardButton(tr_views.add_label(t), callback_data=MessageVersions(shift.id).pack()),
    ])
    rows.append(back(t, Open(shift.id)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def message_versions(
    t: Translator, shift: Shift, counts: list[tuple[str, int]], done: Collection[str]
) -> tuple[str, InlineKeyboardMarkup]:
    """Which language to write the message in too: the recipients' languages, with counts."""
    rows = tr_views.version_rows(t, counts, done, lambda code: MessageVersion(shift.id, code).pack())
    rows.append(back(t, MessagePreview(shift.id)))
    return heading(t, shift) + "\n\n🌐 " + tr_views.versions_question(t), InlineKeyboardMarkup(rows)


def message_version_prompt(
    t: Translator, shift: Shift, locale: str, now: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    if now is not None:
        rows.append([InlineKeyboardButton("🗑 " + t._("Remove this translation"),
                                          callback_data=RemoveMessageVersion(shift.id).pack())])
    rows.append(back(t, MessageVersions(shift.id)))
    text = heading(t, shift) + "\n\n✍️ " + tr_views.version_prompt(t, locale, now)
    return text, InlineKeyboardMarkup(rows)


def message_sent_note(t: Translator, count: int) -> str:
    return "✅ " + t.ngettext(
        "Your message is on its way to {count} person.", "Your message is on its way to {count} people.", count
    ).format(count=t.number(count))
