"""Telegram text formatting: a strict HTML parser and a best-effort Markdown stripper.

The HTML parser follows the rules in https://core.telegram.org/bots/api#html-style and is stricter than
Telegram in one place on purpose: a bare ``&`` that does not start an entity is rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FormattingError", "ParsedText", "parse_html", "parse_markdown", "utf16_len"]


class FormattingError(ValueError):
    """The text could not be parsed; ``str(err)`` is the part after ``can't parse entities: ``."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


# Unicode's bidi controls (marks, embeddings, overrides, isolates): invisible, they only order the text.
BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strip_bidi(text: str) -> str:
    """The text as a test compares it: without bidi controls (what it reads, not how it is laid out)."""
    return "".join(ch for ch in text if ch not in BIDI_CONTROLS)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


_TAG_ENTITY: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7}));")
_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_END_TAG_RE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_ATTR_RE = re.compile(r"""([A-Za-z][A-Za-z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_WS_RE = re.compile(r"\s*")


def _decode_entity(match: re.Match[str]) -> str | None:
    name, dec, hexa = match.groups()
    if name:
        return _NAMED[name]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _decode_attr(value: str) -> str:
    """Attribute values: decode entities, keep anything else (Telegram is lenient there)."""

    def repl(m: re.Match[str]) -> str:
        decoded = _decode_entity(m)
        return m.group(0) if decoded is None else decoded

    return _ENTITY_RE.sub(repl, value)


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    attrs: dict[str, str]


def parse_html(source: str) -> ParsedText:
    """Parse Telegram-flavoured HTML into plain text plus MessageEntity dicts.

    Raises FormattingError with a Telegram-like message for unsupported tags, unescaped ``<``/``&``,
    unclosed or mis-nested tags.
    """
    out: list[str] = []
    pos16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)

    def byte_offset(idx: int) -> int:
        return len(source[:idx].encode("utf-8"))

    def emit(chunk: str) -> None:
        nonlocal pos16
        out.append(chunk)
        pos16 += utf16_len(chunk)

    while i < n:
        ch = source[i]
        if ch == "&":
            m = _ENTITY_RE.match(source, i)
            decoded = _decode_entity(m) if m else None
            if m is None or decoded is None:
                raise FormattingError(
                    f"Unescaped '&' at byte offset {byte_offset(i)}: "
                    "use &amp; (only &lt; &gt; &amp; &quot; and numeric entities are supported)"
                )
            emit(decoded)
            i = m.end()
            continue
        if ch != "<":
            j = i
            while j < n and source[j] not in "<&":
                j += 1
            emit(source[i:j])
            i = j
            continue

        # a tag
        if source.startswith("</", i):
            m = _END_TAG_RE.match(source, i)
            if m is None:
                raise FormattingError(f"Unclosed end tag at byte offset {byte_offset(i)}")
            name = m.group(1).lower()
            if not stack:
                raise FormattingError(f'Unexpected end tag "{name}" at byte offset {byte_offset(i)}')
            top = stack[-1]
            if top.tag != name:
                raise FormattingError(
                    f'Unmatched end tag at byte offset {byte_offset(i)}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            entity = _make_entity(top, pos16, stack)
            if entity is not None:
                entities.append(entity)
            i = m.end()
            continue

        m = _TAG_NAME_RE.match(source, i + 1)
        if m is None:
            raise FormattingError(
                f"Unescaped '<' at byte offset {byte_offset(i)}: it doesn't start a tag; use &lt;"
            )
        name = m.group(0).lower()
        if name not in _TAG_ENTITY:
            raise FormattingError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
        j = m.end()
        attrs: dict[str, str] = {}
        while True:
            j = _WS_RE.match(source, j).end()  # type: ignore[union-attr]
            if j >= n:
                raise FormattingError(f'Unclosed start tag "{name}" at byte offset {byte_offset(i)}')
            if source[j] == ">":
                j += 1
                break
            am = _ATTR_RE.match(source, j)
            if am is None:
                raise FormattingError(
                    f'Invalid attribute in start tag "{name}" at byte offset {byte_offset(j)}'
                )
            value = next((v for v in am.groups()[1:] if v is not None), "")
            attrs[am.group(1).lower()] = _decode_attr(value)
            j = am.end()
        _check_attrs(name, attrs, byte_offset(i))
        stack.append(_Open(name, pos16, attrs))
        i = j

    if stack:
        raise FormattingError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _check_attrs(tag: str, attrs: dict[str, str], offset: int) -> None:
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise FormattingError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise FormattingError(f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {offset}')


def _make_entity(tag: _Open, end: int, parents: list[_Open]) -> dict[str, Any] | None:
    length = end - tag.start
    if length <= 0:
        return None
    kind = _TAG_ENTITY[tag.tag]
    entity: dict[str, Any] = {"type": kind, "offset": tag.start, "length": length}
    if tag.tag == "a":
        href = tag.attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif tag.tag == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    elif tag.tag == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.tag == "code":
        language = tag.attrs.get("class", "")
        if parents and parents[-1].tag == "pre":
            # Telegram turns <pre><code class="language-x"> into one pre entity with a language
            if language.startswith("language-"):
                parents[-1].attrs["_language"] = language[len("language-") :]
            return None
    elif tag.tag == "pre" and tag.attrs.get("_language"):
        entity["language"] = tag.attrs["_language"]
    return entity


_MDV2_MARKERS = frozenset("*_~|")
_MD_MARKERS = frozenset("*_")


def parse_markdown(source: str, *, v2: bool) -> ParsedText:
    """Best-effort plain text for Markdown / MarkdownV2 (no validation, no entities)."""
    out: list[str] = []
    i = 0
    n = len(source)
    escapable = None if v2 else set("_*`[")
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n and (escapable is None or source[i + 1] in escapable):
            out.append(source[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = "```" if source.startswith("```", i) else "`"
            end = source.find(fence, i + len(fence))
            if end == -1:
                out.append(source[i:])
                break
            body = source[i + len(fence) : end]
            if fence == "```" and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:  # language tag
                    body = rest
            out.append(body.replace("\\`", "`").replace("\\\\", "\\") if v2 else body)
            i = end + len(fence)
            continue
        if ch == "[" or (v2 and ch == "!" and source.startswith("![", i)):
            start = i + (2 if ch == "!" else 1)
            close = source.find("](", start)
            paren = source.find(")", close + 2) if close != -1 else -1
            if close != -1 and paren != -1:
                out.append(parse_markdown(source[start:close], v2=v2).text)
                i = paren + 1
                continue
        markers = _MDV2_MARKERS if v2 else _MD_MARKERS
        if ch in markers:
            i += 1
            continue
        if v2 and ch == ">" and (i == 0 or source[i - 1] == "\n"):
            i += 1
            continue
        out.append(ch)
        i += 1
    return ParsedText("".join(out), [])
