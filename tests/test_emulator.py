"""Tests for the Bot API emulator (tests/emulator), over real HTTP: httpx and PTB's own Bot/Application."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.emulator import BotAPIEmulator, BotMessage, TestUser, parse_html

ALICE = 1001


# --- fixtures


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator


@pytest.fixture
def alice(emu: BotAPIEmulator) -> TestUser:
    return emu.user(ALICE, "Alice", language_code="ko", username="alice")


@pytest.fixture
async def api(emu: BotAPIEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP client: ``await api.post("sendMessage", data={...})``."""
    async with httpx.AsyncClient(base_url=f"{emu.base_url}{emu.token}/") as client:
        yield client


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as ptb_bot:
        yield ptb_bot


def inline(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def post(api: httpx.AsyncClient, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """Form-encode like PTB: strings as-is, everything else as JSON text."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await api.post(method, data=data)
    return response.status_code, response.json()


# --- basics


async def test_get_me_over_http_and_ptb(emu: BotAPIEmulator, api: httpx.AsyncClient, bot: Bot) -> None:
    status, body = await post(api, "getMe")
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["id"] == 123456
    assert body["result"]["is_bot"] is True
    assert body["result"]["username"] == "turnout_test_bot"

    me = await bot.get_me()
    assert me.first_name == "Turnout Test"
    assert bot.username == "turnout_test_bot"
    assert me.can_join_groups is True


async def test_wrong_token_is_401(emu: BotAPIEmulator) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emu.base_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=emu.base_url):
            pass


async def test_unknown_method_is_404(emu: BotAPIEmulator, api: httpx.AsyncClient, bot: Bot) -> None:
    status, body = await post(api, "sendTelepathy", chat_id=1)
    assert status == 404
    assert body["description"] == "Not Found"
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")
    assert [e.method for e in emu.errors] == ["sendTelepathy", "sendTelepathy"]


async def test_method_names_are_case_insensitive_and_json_body_works(
    api: httpx.AsyncClient, alice: TestUser
) -> None:
    response = await api.post("sendmessage", json={"chat_id": ALICE, "text": "hi"})
    assert response.status_code == 200
    assert (await alice.next_reply()).text == "hi"


async def test_send_message_is_recorded_and_shows_up_in_next_reply(
    emu: BotAPIEmulator, bot: Bot, alice: TestUser
) -> None:
    emu.clock = lambda: 1_700_000_000.5
    sent = await bot.send_message(
        ALICE,
        "<b>Shift</b> on <i>Saturday</i> 🎉 &amp; more",
        parse_mode=ParseMode.HTML,
        reply_markup=inline([("Join", "s:42:join"), ("Skip", "s:42:skip")]),
    )
    assert sent.message_id == 1
    assert sent.chat.id == ALICE
    assert sent.from_user is not None and sent.from_user.id == emu.bot_id
    assert sent.text == "Shift on Saturday 🎉 & more"
    assert int(sent.date.timestamp()) == 1_700_000_000

    reply = await alice.next_reply()
    assert reply.text == "Shift on Saturday 🎉 & more"
    assert reply.html == "<b>Shift</b> on <i>Saturday</i> 🎉 &amp; more"
    assert reply.parse_mode == "HTML"
    assert reply.buttons == [[("Join", "s:42:join"), ("Skip", "s:42:skip")]]
    assert reply.labels == ["Join", "Skip"]
    assert not reply.edited
    assert "Join | Skip" in repr(reply)

    call = emu.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == ALICE  # decoded from the form's "1001"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "s:42:join"
    assert call.status == 200
    assert [m.message_id for m in alice.messages] == [1]
    emu.assert_no_errors()


async def test_message_ids_are_shared_with_user_messages(bot: Bot, alice: TestUser) -> None:
    user_msg = await alice.send("hello")
    assert user_msg["message_id"] == 1
    sent = await bot.send_message(ALICE, "hi Alice", reply_to_message_id=1)
    assert sent.message_id == 2
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "hello"
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(ALICE, "hi", reply_to_message_id=77)


# --- strictness


async def test_missing_required_parameter(emu: BotAPIEmulator, api: httpx.AsyncClient) -> None:
    status, body = await post(api, "sendMessage", text="hi")
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body = await post(api, "answerCallbackQuery")
    assert status == 400
    assert "callback_query_id" in body["description"]
    assert emu.errors[0].method == "sendMessage"
    assert emu.errors[0].description == "Bad Request: chat_id is empty"
    with pytest.raises(AssertionError, match="2 rejected"):
        emu.assert_no_errors()


async def test_coarse_type_checks(api: httpx.AsyncClient, alice: TestUser) -> None:
    status, body = await post(api, "editMessageText", chat_id=ALICE, message_id="seven", text="x")
    assert status == 400
    assert "message_id" in body["description"]
    status, body = await post(api, "sendMessage", chat_id=ALICE, text="x", reply_markup="{not json")
    assert (status, body["description"]) == (400, "Bad Request: can't parse reply_markup JSON object")
    status, body = await post(api, "sendMessage", chat_id=ALICE, text="x", disable_notification="maybe")
    assert status == 400
    status, body = await post(api, "sendLocation", chat_id=ALICE, latitude="north", longitude=1.0)
    assert status == 400


async def test_chat_not_found(bot: Bot, alice: TestUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(4242, "hello?")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@somebody", "hello?")


async def test_empty_and_too_long_text(bot: Bot, alice: TestUser) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ALICE, "<b></b>", parse_mode=ParseMode.HTML)
    await bot.send_message(ALICE, "x" * 4096)
    # markup does not count, only the parsed text
    await bot.send_message(ALICE, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    # an emoji is two UTF-16 code units
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALICE, "🎉" * 2049)
    await bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1025)


@pytest.mark.parametrize(
    "text",
    [
        "<Bob> wants to join",
        "Tom & Jerry",
        "1 < 2",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        "stray</b>",
        "<span>no class</span>",
        "<br>",
        "&nbsp;",
        '<a href="https://x.org">x',
    ],
)
async def test_bad_html_is_rejected(emu: BotAPIEmulator, bot: Bot, alice: TestUser, text: str) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(ALICE, text, parse_mode=ParseMode.HTML)
    assert emu.errors[-1].description.startswith("Bad Request: can't parse entities: ")
    # without parse_mode anything goes
    await bot.send_message(ALICE, text)


def test_html_parser_entities_use_utf16_offsets() -> None:
    parsed = parse_html(
        '🎉 <b>bold <i>both</i></b> <a href="https://ex.org/?a=1&amp;b=2">link</a> &lt;3 &#65;&#x42; '
        '<pre><code class="language-python">x = 1</code></pre> <tg-spoiler>s</tg-spoiler> '
        '<span class="tg-spoiler">t</span> <blockquote expandable>q</blockquote>'
    )
    assert parsed.text == "🎉 bold both link <3 AB x = 1 s t q"
    by_type = {e["type"]: e for e in parsed.entities}
    assert by_type["bold"] == {"type": "bold", "offset": 3, "length": 9}
    assert by_type["italic"] == {"type": "italic", "offset": 8, "length": 4}
    assert by_type["text_link"]["url"] == "https://ex.org/?a=1&b=2"
    assert by_type["pre"]["language"] == "python"
    assert "code" not in by_type
    assert by_type["expandable_blockquote"]["length"] == 1
    assert [e["type"] for e in parsed.entities].count("spoiler") == 2


async def test_markdown_is_accepted_loosely(bot: Bot, alice: TestUser) -> None:
    await bot.send_message(ALICE, r"*Hi* \_there\_ [site](https://x.org)", parse_mode=ParseMode.MARKDOWN_V2)
    reply = await alice.next_reply()
    assert reply.text == "Hi _there_ site"
    assert reply.parse_mode == "MarkdownV2"


async def test_callback_data_limit_is_64_bytes(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    await bot.send_message(ALICE, "ok", reply_markup=inline([("a", "x" * 64)]))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "no", reply_markup=inline([("a", "x" * 65)]))
    # bytes, not characters: 22 Hangul syllables are 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ALICE, "no", reply_markup=inline([("a", "한" * 22)]))
    assert len(emu.errors) == 2


async def test_at_most_100_inline_buttons(bot: Bot, alice: TestUser) -> None:
    rows = [[(f"b{r}-{c}", f"{r}:{c}") for c in range(10)] for r in range(10)]
    await bot.send_message(ALICE, "100 ok", reply_markup=inline(*rows))
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await bot.send_message(ALICE, "101", reply_markup=inline(*rows, [("one more", "x")]))


async def test_inline_button_needs_exactly_one_valid_action(api: httpx.AsyncClient, alice: TestUser) -> None:
    def markup(button: dict[str, Any]) -> dict[str, Any]:
        return {"inline_keyboard": [[button]]}

    status, body = await post(api, "sendMessage", chat_id=ALICE, text="x", reply_markup=markup({"text": "a"}))
    assert status == 400
    assert "text buttons are unallowed" in body["description"]
    both = {"text": "a", "callback_data": "1", "url": "https://x.org"}
    status, _ = await post(api, "sendMessage", chat_id=ALICE, text="x", reply_markup=markup(both))
    assert status == 400
    bad_url = {"text": "a", "url": "javascript:alert(1)"}
    status, body = await post(api, "sendMessage", chat_id=ALICE, text="x", reply_markup=markup(bad_url))
    assert status == 400
    assert "Wrong HTTP URL" in body["description"]
    tg_url = {"text": "a", "url": "tg://user?id=1"}
    status, _ = await post(api, "sendMessage", chat_id=ALICE, text="x", reply_markup=markup(tg_url))
    assert status == 200


async def test_reply_keyboards_remove_and_force_reply(bot: Bot, alice: TestUser) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share phone", request_contact=True)], ["Cancel"]], one_time_keyboard=True
    )
    sent = await bot.send_message(ALICE, "Your phone?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    reply = await alice.next_reply()
    assert reply.reply_keyboard == [["Share phone"], ["Cancel"]]
    assert reply.buttons == []

    contact = await alice.tap("Share phone", phone_number="+14155550100")
    assert contact["contact"] == {"phone_number": "+14155550100", "first_name": "Alice", "user_id": ALICE}

    await bot.send_message(ALICE, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert (await alice.next_reply()).remove_keyboard
    await bot.send_message(ALICE, "Name?", reply_markup=ForceReply())
    assert (await alice.next_reply()).force_reply


async def test_blocked_user_gets_403(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    alice.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "are you there?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALICE, "typing")
    assert emu.errors[0].status == 403
    assert "my_chat_member" in emu.pending_updates[-1]
    alice.unblock()
    await bot.send_message(ALICE, "welcome back")


async def test_flood_control_per_chat(emu: BotAPIEmulator, api: httpx.AsyncClient, alice: TestUser) -> None:
    now = [1000.0]
    emu.flood_clock = lambda: now[0]
    emu.flood_control = True
    for i in range(3):  # burst of 3
        status, _ = await post(api, "sendMessage", chat_id=ALICE, text=f"m{i}")
        assert status == 200
    status, body = await post(api, "sendMessage", chat_id=ALICE, text="m3")
    assert status == 429
    assert body["description"] == "Too Many Requests: retry after 1"
    assert body["parameters"] == {"retry_after": 1}
    assert emu.flood_429_count == 1
    # chat actions are not counted
    status, _ = await post(api, "sendChatAction", chat_id=ALICE, action="typing")
    assert status == 200
    now[0] += 1.0  # one more token
    status, _ = await post(api, "sendMessage", chat_id=ALICE, text="m4")
    assert status == 200
    status, _ = await post(api, "sendMessage", chat_id=ALICE, text="m5")
    assert status == 429
    assert emu.flood_429_count == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_global_and_ptb_retry_after(emu: BotAPIEmulator, bot: Bot) -> None:
    users = [emu.user(2000 + i, f"U{i}") for i in range(31)]
    emu.flood_clock = lambda: 50.0
    emu.flood_control = True
    for user in users[:30]:
        await bot.send_message(user.id, "broadcast")
    with pytest.raises(RetryAfter):
        await bot.send_message(users[30].id, "broadcast")
    assert emu.flood_429_count == 1
    assert emu.errors[-1].status == 429
    emu.assert_no_errors(ignore_flood=True)


async def test_edits(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    sent = await bot.send_message(ALICE, "Pick one", reply_markup=inline([("A", "a"), ("B", "b")]))
    await alice.next_reply()
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Pick one", ALICE, sent.message_id, reply_markup=inline([("A", "a"), ("B", "b")])
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("nope", ALICE, 999)

    edited = await bot.edit_message_text("<b>Picked</b> A", ALICE, sent.message_id, parse_mode=ParseMode.HTML)
    assert not isinstance(edited, bool) and edited.text == "Picked A"
    event = await alice.next_reply()
    assert event.edited
    assert event.text == "Picked A"
    assert event.buttons == []  # editMessageText without reply_markup drops the keyboard

    await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=inline([("Undo", "u")]))
    assert (await alice.next_reply()).labels == ["Undo"]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(ALICE, sent.message_id, reply_markup=inline([("Undo", "u")]))
    with pytest.raises(BadRequest, match=r"(?i)no caption"):
        await bot.edit_message_caption(ALICE, sent.message_id, caption="x")

    user_msg = await alice.send("mine")
    with pytest.raises(BadRequest, match=r"(?i)can't be edited"):
        await bot.edit_message_text("hacked", ALICE, user_msg["message_id"])

    assert await bot.delete_message(ALICE, sent.message_id)
    assert alice.messages == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ALICE, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("late", ALICE, sent.message_id)


# --- updates


async def test_get_updates_long_poll_returns_when_user_sends(
    emu: BotAPIEmulator, bot: Bot, alice: TestUser
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await alice.send("/start org-abc")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.0
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/start org-abc"
    assert message.from_user is not None and message.from_user.language_code == "ko"
    assert message.chat.type == "private"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")

    await alice.send("second")
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id, updates[0].update_id + 1]
    confirmed = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert [u.message.text for u in confirmed if u.message] == ["second"]
    assert await bot.get_updates(offset=confirmed[0].update_id + 1, timeout=0) == ()
    assert emu.pending_updates == []


async def test_get_updates_timeout_limit_and_supersede(
    emu: BotAPIEmulator, bot: Bot, api: httpx.AsyncClient, alice: TestUser
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 2.0

    for i in range(3):
        await alice.send(f"m{i}")
    assert len(await bot.get_updates(limit=2)) == 2

    # a newer getUpdates ends a held one (the held one gets an empty answer)
    first = await bot.get_updates(offset=10**6, timeout=0)
    assert first == ()
    held = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    # (PTB's own getUpdates connection pool has size 1, so the second poll comes from another client)
    status, body = await post(api, "getUpdates", timeout=0)
    assert (status, body["result"]) == (200, [])
    assert await asyncio.wait_for(held, 1) == ()


async def test_stop_releases_held_poll() -> None:
    emu = BotAPIEmulator()
    await emu.start()
    async with Bot(emu.token, base_url=emu.base_url) as ptb_bot:
        held = asyncio.create_task(ptb_bot.get_updates(timeout=30))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await emu.stop()
        assert await asyncio.wait_for(held, 2) == ()
        assert time.monotonic() - started < 1.5


async def test_callback_answer_twice_and_unknown(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    await bot.send_message(ALICE, "Join?", reply_markup=inline([("Yes", "y")]))
    press = asyncio.create_task(alice.press("Yes"))
    updates = await bot.get_updates(timeout=5)
    query = updates[-1].callback_query
    assert query is not None
    assert query.data == "y"
    assert query.message is not None and query.message.chat.id == ALICE
    assert query.from_user.id == ALICE
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query.id, text="x" * 201)
    assert await bot.answer_callback_query(query.id, text="Joined!", show_alert=True)
    answer = await press
    assert (answer.text, answer.show_alert) == ("Joined!", True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query("123")


async def test_press_errors_are_readable(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    with pytest.raises(AssertionError, match="no inline button 'Nope'"):
        await alice.press("Nope")
    await bot.send_message(ALICE, "Menu", reply_markup=inline([("Shifts", "shifts"), ("Help", "help")]))
    with pytest.raises(AssertionError, match=r"\['Shifts', 'Help'\]"):
        await alice.press("Nope")
    with pytest.raises(AssertionError, match="did not answer"):
        await alice.press("Help", timeout=0.05)
    assert [m.text for m in alice.drain()] == ["Menu"]
    with pytest.raises(AssertionError, match="no reply from the bot"):
        await alice.next_reply(timeout=0.05)


# --- files


async def test_send_document_round_trip(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    csv = b"name,shift\nAlice,Sat\n"
    sent = await bot.send_document(
        ALICE, csv, filename="roster.csv", caption="<b>Roster</b>", parse_mode="HTML"
    )
    assert sent.document is not None
    assert sent.document.file_name == "roster.csv"
    assert sent.document.mime_type == "text/csv"
    assert sent.caption == "Roster"
    reply = await alice.next_reply()
    assert reply.document is not None
    assert (reply.document.filename, reply.document.mime_type, reply.document.data) == (
        "roster.csv",
        "text/csv",
        csv,
    )
    assert reply.text == "Roster"

    # re-send by file_id, then download what the bot uploaded
    again = await bot.send_document(ALICE, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == csv
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(ALICE, "no-such-file-id")

    photo = await bot.send_photo(ALICE, b"\x89PNG fake", caption="pic")
    assert photo.photo
    photo_event = next(m for m in alice.drain() if m.photo is not None)
    assert photo_event.photo == b"\x89PNG fake"

    loc = await bot.send_location(ALICE, 37.77, -122.42)
    assert loc.location is not None and loc.location.latitude == pytest.approx(37.77)


async def test_user_document_get_file_and_download(emu: BotAPIEmulator, bot: Bot, alice: TestUser) -> None:
    data = b"date,slot\n2025-01-01,am\n"
    await alice.send_document("shifts.csv", data, mime_type="text/csv", caption="import")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.document is not None
    document = update.message.document
    assert (document.file_name, document.mime_type, document.file_size) == (
        "shifts.csv",
        "text/csv",
        len(data),
    )
    tg_file = await document.get_file()
    assert tg_file.file_path is not None and tg_file.file_path.startswith(emu.base_file_url)
    assert bytes(await tg_file.download_as_bytearray()) == data
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("bogus")
    async with httpx.AsyncClient() as client:
        missing = await client.get(f"{emu.base_file_url}{emu.token}/documents/nope.csv")
    assert missing.status_code == 404


async def test_contact_location_and_forged_contact(bot: Bot, alice: TestUser) -> None:
    await alice.share_contact("+1 415 555 0100")
    await alice.share_contact("+1 999", user_id=7, first_name="Mallory")
    await alice.share_location(37.77, -122.42)
    own, forged, where = await bot.get_updates(timeout=0)
    assert own.message is not None and own.message.contact is not None
    assert own.message.contact.user_id == ALICE
    assert forged.message is not None and forged.message.contact is not None
    assert forged.message.contact.user_id == 7
    assert where.message is not None and where.message.location is not None
    assert where.message.location.longitude == pytest.approx(-122.42)


# --- bot settings


async def test_commands_descriptions_and_generic_methods(
    emu: BotAPIEmulator, bot: Bot, alice: TestUser
) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("shifts", "My shifts")])
    await bot.set_my_commands([BotCommand("start", "시작")], language_code="ko")
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(ALICE))
    assert emu.commands[("default", "")] == [("start", "Start"), ("shifts", "My shifts")]
    assert emu.commands[("default", "ko")] == [("start", "시작")]
    assert emu.commands[(f"chat:{ALICE}", "")] == [("admin", "Admin")]
    assert [c.command for c in await bot.get_my_commands(language_code="ko")] == ["start"]
    await bot.delete_my_commands(language_code="ko")
    assert ("default", "ko") not in emu.commands
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    await bot.set_my_description("Gets volunteers to show up", language_code="en")
    await bot.set_my_short_description("Volunteer shifts")
    await bot.set_my_name("Turnout")
    assert emu.descriptions == {"en": "Gets volunteers to show up"}
    assert emu.short_descriptions == {"": "Volunteer shifts"}
    assert (await bot.get_my_description(language_code="en")).description == "Gets volunteers to show up"
    assert (await bot.get_my_short_description()).short_description == "Volunteer shifts"
    assert emu.names == {"": "Turnout"}

    assert await bot.set_chat_menu_button(ALICE, MenuButtonCommands())
    assert emu.menu_buttons[ALICE] == {"type": "commands"}

    # not specially emulated: validated against api.json and answered with True
    assert await bot.set_my_default_administrator_rights()
    assert await bot.log_out()
    chat = await bot.get_chat(ALICE)
    assert chat.first_name == "Alice"
    assert [e.method for e in emu.errors] == ["setMyCommands"]


# --- PTB Application


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        f"echo: {update.message.text}",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("한국어", callback_data="lang:ko")]]),
    )


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"picked {query.data}")
    await query.edit_message_text("Language: <b>한국어</b>", parse_mode=ParseMode.HTML)


async def _on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.contact is not None
    await update.message.reply_text(f"got {update.message.contact.phone_number}")


@pytest.fixture
async def app(emu: BotAPIEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    application = (
        ApplicationBuilder().token(emu.token).base_url(emu.base_url).base_file_url(emu.base_file_url).build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_on_button))
    application.add_handler(MessageHandler(filters.CONTACT, _on_contact))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=10)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_ptb_application_conversation(emu: BotAPIEmulator, app: Application, alice: TestUser) -> None:  # type: ignore[type-arg]
    await alice.send("/start org-abc")
    reply = await alice.next_reply()
    assert reply.text == "echo: /start org-abc"
    assert reply.labels == ["한국어"]

    answer = await alice.press("한국어")
    assert answer.text == "picked lang:ko"
    assert not answer.show_alert
    edit = await alice.next_reply()
    assert isinstance(edit, BotMessage)
    assert edit.edited and edit.message_id == reply.message_id
    assert edit.text == "Language: 한국어"
    assert edit.html == "Language: <b>한국어</b>"

    await alice.share_contact("+1 415 555 0100")
    assert (await alice.next_reply()).text == "got +1 415 555 0100"
    await alice.expect_no_reply(within=0.1)
    emu.assert_no_errors()
