"""The Bot API spec (api.json shipped next to this file) and coarse parameter checking."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .models import ApiError, UploadedFile

__all__ = ["API_JSON", "ApiSpec", "Field", "Method", "load_spec"]

API_JSON = Path(__file__).resolve().parent / "api.json"

_INT_RE = re.compile(r"[+-]?\d+")
_TRUE = {"true", "True", "1"}
_FALSE = {"false", "False", "0"}
_SCALAR_TYPES = {"Integer", "String", "Boolean", "Float", "InputFile"}


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Method:
    name: str
    fields: dict[str, Field]
    returns: tuple[str, ...]


class ApiSpec:
    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self.methods: dict[str, Method] = {}
        for name, m in data["methods"].items():
            fields = {
                f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
                for f in m.get("fields", [])
            }
            self.methods[name] = Method(name, fields, tuple(m.get("returns", [])))
        self._by_lower = {name.lower(): name for name in self.methods}
        self.types: dict[str, Any] = data["types"]

    def resolve(self, name: str) -> Method | None:
        """Method names are case-insensitive in the Bot API."""
        canonical = self._by_lower.get(name.lower())
        return self.methods[canonical] if canonical else None

    def type_field_names(self, type_name: str) -> list[str]:
        return [f["name"] for f in self.types.get(type_name, {}).get("fields", [])]

    def coerce(self, method: Method, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
        """Check required params and coarse types; return params with decoded values.

        Unknown params are kept as they came (Telegram ignores them).
        """
        params: dict[str, Any] = {}
        for name, value in raw.items():
            if name not in method.fields:
                params[name] = value
        for name, spec_field in method.fields.items():
            value = raw.get(name)
            if value is None and name in files:
                value = files[name]
            if value is None or value == "":
                if spec_field.required:
                    raise ApiError(400, _missing(method.name, name))
                continue
            params[name] = _coerce(spec_field, value, files)
        return params


def _missing(method: str, name: str) -> str:
    if name == "chat_id":
        return "Bad Request: chat_id is empty"
    if name == "text" and method in ("sendMessage", "editMessageText"):
        return "Bad Request: message text is empty"
    return f"Bad Request: parameter {name!r} is required"


def _coerce(spec_field: Field, value: Any, files: dict[str, UploadedFile]) -> Any:
    types = spec_field.types
    name = spec_field.name
    if isinstance(value, UploadedFile):
        if "InputFile" in types:
            return value
        raise ApiError(400, f"Bad Request: parameter {name!r} can't be a file upload")
    if isinstance(value, str) and value.startswith("attach://") and "InputFile" in types:
        part = value[len("attach://") :]
        if part not in files:
            raise ApiError(400, f"Bad Request: file {value!r} for parameter {name!r} was not uploaded")
        return files[part]
    for type_name in types:
        ok, converted = _try(type_name, value)
        if ok:
            return converted
    if any(t not in _SCALAR_TYPES for t in types):
        raise ApiError(400, f"Bad Request: can't parse {name} JSON object")
    raise ApiError(
        400, f"Bad Request: parameter {name!r} must be of type {' or '.join(types)}, got {value!r}"
    )


def _try(type_name: str, value: Any) -> tuple[bool, Any]:
    if type_name == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return True, value
        if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
            return True, int(value)
        return False, None
    if type_name in ("String", "InputFile"):
        if isinstance(value, str):
            return True, value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, str(value)
        return False, None
    if type_name == "Boolean":
        if isinstance(value, bool):
            return True, value
        if isinstance(value, str) and value in _TRUE | _FALSE:
            return True, value in _TRUE
        return False, None
    if type_name == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return True, float(value)
        if isinstance(value, str):
            try:
                return True, float(value)
            except ValueError:
                return False, None
        return False, None
    # a JSON-serialized object or array
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return False, None
    if type_name.startswith("Array of"):
        return (True, value) if isinstance(value, list) else (False, None)
    return (True, value) if isinstance(value, dict) else (False, None)


@cache
def load_spec(path: Path = API_JSON) -> ApiSpec:
    with path.open(encoding="utf-8") as fh:
        return ApiSpec(json.load(fh))
