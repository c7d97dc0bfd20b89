"""Bot API objects and in-memory Bot API semantics (no HTTP) behind the fake Telegram server."""

from __future__ import annotations

import html
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any

JSONDict = dict[str, Any]

BOT_ID = 1000
BOT_USER: JSONDict = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "走访",
    "username": "zoufang_test_bot",
}
BOT_ME: JSONDict = {
    **BOT_USER,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

# PTB JSON-encodes every form value except str ones, so these must stay raw: JSON-decoding a text
# of "123" or "true" would change its type.
STRING_PARAMS = frozenset(
    {
        "text", "caption", "callback_query_id", "parse_mode", "action", "file_id", "url",
        "language_code", "inline_message_id", "secret_token", "ip_address", "title", "description",
        "short_description", "emoji", "question", "query", "name", "custom_title", "data",
        "business_connection_id", "message_effect_id", "photo", "document", "voice", "sticker",
        "video", "audio", "animation", "video_note", "thumbnail",
    }
)  # fmt: skip

_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found: method not found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
}
_HTML_TAG = re.compile(r"<[^>]+>")


def decode_param(key: str, value: Any) -> Any:
    """Turn one form/query value back into the JSON value PTB encoded."""
    if not isinstance(value, str) or key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def rendered_text(text: str, parse_mode: Any) -> str:
    """Text as Telegram stores it once HTML markup is parsed (Markdown is left as sent)."""
    if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
        return html.unescape(_HTML_TAG.sub("", text))
    return text


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def make_user(
    user_id: int,
    *,
    first_name: str = "测试",
    language_code: str | None = "zh-hans",
    username: str | None = None,
) -> JSONDict:
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def make_chat(chat_id: int, user: JSONDict | None) -> JSONDict:
    kind = chat_type(chat_id)
    if kind != "private":
        return {"id": chat_id, "type": kind, "title": f"测试群 {chat_id}"}
    user = user or make_user(chat_id)
    chat: JSONDict = {"id": chat_id, "type": kind, "first_name": user["first_name"]}
    if user.get("username"):
        chat["username"] = user["username"]
    return chat


def make_message(message_id: int, chat: JSONDict, sender: JSONDict, **content: Any) -> JSONDict:
    return {
        "message_id": message_id,
        "from": sender,
        "chat": chat,
        "date": int(time.time()),
        **content,
    }


def command_entities(text: str) -> list[JSONDict]:
    """The bot_command entity Telegram adds to a leading /command (CommandHandler needs it)."""
    if len(text) < 2 or text[0] != "/" or text[1].isspace():
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text.split()[0])}]


class ApiError(Exception):
    """A Telegram-style failure; `plain` mimics the front proxy's non-JSON error pages."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        plain: bool = False,
        migrate_to: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.description = status, description
        self.retry_after, self.plain = retry_after, plain
        self.migrate_to = migrate_to

    @classmethod
    def fault(
        cls, status: int, retry_after: int | None = None, description: str | None = None
    ) -> ApiError:
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            seconds = retry_after or 1
            text = description or f"Too Many Requests: retry after {seconds}"
            return cls(status, text, retry_after=seconds)
        phrase = f"{status} {HTTPStatus(status).phrase}"
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            return cls(status, description or phrase, plain=True)
        return cls(status, description or _DESCRIPTIONS.get(status, phrase))

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to}
        return body


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class Call:
    """One Bot API request as received (params JSON-decoded, uploads kept apart in `files`)."""

    method: str
    params: JSONDict
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int = 200

    def as_json(self) -> JSONDict:
        files = {
            name: {"filename": f.filename, "content_type": f.content_type, "size": len(f.data)}
            for name, f in self.files.items()
        }
        return {"method": self.method, "params": self.params, "files": files, "status": self.status}


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes

    def _meta(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }

    def as_file(self) -> JSONDict:
        return {**self._meta(), "file_path": self.file_path}

    def as_document(self) -> JSONDict:
        return {**self._meta(), "file_name": self.file_name, "mime_type": self.mime_type}

    def as_voice(self, duration: int) -> JSONDict:
        return {**self._meta(), "duration": duration, "mime_type": self.mime_type}

    def as_sticker(self) -> JSONDict:
        shape = {"type": "regular", "width": 512, "height": 512, "emoji": "👍"}
        return {**self._meta(), **shape, "is_animated": False, "is_video": False}

    def as_photo_sizes(self) -> list[JSONDict]:
        return [
            {
                **self._meta(),
                "file_id": self.file_id if side == 1280 else f"{self.file_id}-{side}",
                "file_unique_id": f"{self.file_unique_id}-{side}",
                "width": side,
                "height": side * 3 // 4,
            }
            for side in (90, 320, 1280)
        ]


class FileStore:
    """Files known to the fake, addressable by file_id (getFile) and file_path (download)."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add(
        self,
        data: bytes,
        folder: str,
        file_name: str,
        mime_type: str = "application/octet-stream",
        file_id: str | None = None,
    ) -> StoredFile:
        n = next(self._seq)
        stored = StoredFile(
            file_id=file_id or f"{folder}-{n:06d}-fake",
            file_unique_id=f"u{n:06d}",
            file_path=f"{folder}/file_{n}{PurePosixPath(file_name).suffix}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
        )
        self._by_path[stored.file_path] = stored
        sizes = stored.as_photo_sizes() if folder == "photos" else [stored.as_file()]
        for size in sizes:  # every PhotoSize must resolve too, not just the largest
            self._by_id[size["file_id"]] = stored
        return stored

    def get(self, file_id: Any) -> StoredFile | None:
        return self._by_id.get(file_id) if isinstance(file_id, str) else None

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


@dataclass(frozen=True, slots=True)
class _Entry:
    seq: int
    update_id: int
    forced: bool
    raw: bytes


class UpdateQueue:
    """Pending updates with getUpdates semantics: kept until confirmed by a higher offset."""

    def __init__(self) -> None:
        self._entries: deque[_Entry] = deque()
        self._seq = itertools.count()
        self._next_id = 1
        self._batch_end = -1
        self._batch_last_id: int | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def assign_id(self, update: JSONDict) -> None:
        update.setdefault("update_id", self._next_id)
        self._next_id = max(self._next_id, int(update["update_id"]) + 1)

    def push(self, update: JSONDict, *, forced: bool = False) -> None:
        """Queue an update; `forced` ones survive an offset already past their id (redelivery)."""
        raw = json.dumps(update, ensure_ascii=False).encode()
        self._entries.append(_Entry(next(self._seq), int(update["update_id"]), forced, raw))

    def confirm(self, offset: int) -> None:
        entries = self._entries
        if offset < 0:
            while len(entries) > -offset:
                entries.popleft()
            return
        # PTB confirms with the previous batch's *last* update_id + 1, which is lower than other
        # ids in that batch when a duplicate came last, so the delivered batch goes as a whole.
        last = self._batch_last_id
        confirmed = self._batch_end if last is not None and last < offset else -1
        while entries and (
            entries[0].seq <= confirmed or (entries[0].update_id < offset and not entries[0].forced)
        ):
            entries.popleft()

    def take(self, limit: int) -> list[bytes]:
        batch = list(itertools.islice(self._entries, limit))
        if batch:
            self._batch_end, self._batch_last_id = batch[-1].seq, batch[-1].update_id
        return [entry.raw for entry in batch]

    def clear(self) -> None:
        self._entries.clear()
        self._batch_last_id = None


Handler = Callable[[Call], Any]


class BotApiState:
    """Bot API method semantics over plain dicts: chats, messages, files, commands, webhook."""

    def __init__(self, *, strict_chats: bool = False) -> None:
        self._strict_chats = strict_chats
        self._queue, self._files = UpdateQueue(), FileStore()
        self._msg_ids: dict[int, int] = {}
        table = self._method_table()
        self._handlers = {name.lower(): (name, handler) for name, handler in table.items()}
        self.reset()

    def reset(self) -> None:
        """Forget chats, messages, settings and pending updates; ids keep increasing."""
        self._sent: defaultdict[int, list[JSONDict]] = defaultdict(list)
        self._messages: dict[tuple[int, Any], JSONDict] = {}
        self._last_sent: dict[int, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._known_chats: set[int] = set()
        self._callback_ids: set[str] = set()
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[Any, JSONDict] = {}
        self.webhook_url = ""
        self._queue.clear()

    def lookup(self, method: str) -> tuple[str, Handler | None]:
        """Canonical method name (Bot API names are case-insensitive) and its handler."""
        return self._handlers.get(method.lower(), (method, None))

    def sent_to(self, chat_id: int) -> list[JSONDict]:
        """Messages the bot sent or edited in `chat_id`, one snapshot per send/edit, in order."""
        return list(self._sent.get(chat_id, ()))

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        return self.commands.get(
            _commands_key({"scope": scope, "language_code": language_code}), []
        )

    def file_bytes(self, file_id: str) -> bytes:
        stored = self._files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": lambda call: BOT_ME,
            "setWebhook": lambda call: self._set_webhook(call.params.get("url"), call.params),
            "deleteWebhook": lambda call: self._set_webhook("", call.params),
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda call: self.commands.get(_commands_key(call.params), []),
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }

    def _set_webhook(self, url: Any, params: JSONDict) -> bool:
        self.webhook_url = str(url or "")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _get_webhook_info(self, call: Call) -> JSONDict:
        info = {"url": self.webhook_url, "has_custom_certificate": False}
        return {**info, "pending_update_count": len(self._queue)}

    def _set_my_commands(self, call: Call) -> bool:
        self.commands[_commands_key(call.params)] = list(call.params.get("commands") or [])
        return True

    def _delete_my_commands(self, call: Call) -> bool:
        self.commands.pop(_commands_key(call.params), None)
        return True

    def _set_chat_menu_button(self, call: Call) -> bool:
        button = call.params.get("menu_button") or {"type": "default"}
        self.menu_buttons[call.params.get("chat_id")] = button
        return True

    def _send_message(self, call: Call) -> JSONDict:
        params = call.params
        text = rendered_text(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        extra = {"entities": params["entities"]} if "entities" in params else {}
        return self._bot_message(params, text=text, **extra)

    def _edit_message_text(self, call: Call) -> Any:
        old = self._editable(call.params)
        if old is None:
            return True
        if "text" not in old:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = rendered_text(str(call.params.get("text") or ""), call.params.get("parse_mode"))
        return self._replace(old, text=text, reply_markup=_inline_markup(call.params))

    def _edit_message_reply_markup(self, call: Call) -> Any:
        old = self._editable(call.params)
        return True if old is None else self._replace(old, reply_markup=_inline_markup(call.params))

    def _delete_message(self, call: Call) -> bool:
        chat = self._chat(call.params.get("chat_id"))
        if self._messages.pop((chat["id"], call.params.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_callback_query(self, call: Call) -> bool:
        if str(call.params.get("callback_query_id")) not in self._callback_ids:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    def _send_photo(self, call: Call) -> JSONDict:
        stored = self._file_param("photo", call, folder="photos")
        return self._bot_message(call.params, photo=stored.as_photo_sizes(), **_caption(call))

    def _send_document(self, call: Call) -> JSONDict:
        stored = self._file_param("document", call, folder="documents")
        return self._bot_message(call.params, document=stored.as_document(), **_caption(call))

    def _send_chat_action(self, call: Call) -> bool:
        self._chat(call.params.get("chat_id"))
        return True

    def _get_file(self, call: Call) -> JSONDict:
        stored = self._files.get(call.params.get("file_id"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored.as_file()

    def _user(self, user_id: int, **given: str | None) -> JSONDict:
        known = self._users.get(user_id) or make_user(user_id)
        user = {**known, **{key: value for key, value in given.items() if value is not None}}
        self._users[user_id] = user
        return user

    def _next_message_id(self, chat_id: int) -> int:
        self._msg_ids[chat_id] = self._msg_ids.get(chat_id, 0) + 1
        return self._msg_ids[chat_id]

    def _chat(self, chat_id: Any) -> JSONDict:
        valid = isinstance(chat_id, int) and not isinstance(chat_id, bool)
        if not valid or (self._strict_chats and chat_id not in self._known_chats):
            raise ApiError.fault(400)
        return make_chat(chat_id, self._users.get(chat_id))

    def _bot_message(self, params: JSONDict, **content: Any) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        if markup := _inline_markup(params):
            content["reply_markup"] = markup
        message = make_message(self._next_message_id(chat["id"]), chat, BOT_USER, **content)
        self._last_sent[chat["id"]] = message["message_id"]
        self._record(message)
        return message

    def _record(self, message: JSONDict) -> None:
        chat_id = message["chat"]["id"]
        self._messages[(chat_id, message["message_id"])] = message
        self._sent[chat_id].append(message)

    def _editable(self, params: JSONDict) -> JSONDict | None:
        if "inline_message_id" in params:
            return None
        chat = self._chat(params.get("chat_id"))
        message = self._messages.get((chat["id"], params.get("message_id")))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _replace(self, old: JSONDict, **changes: Any) -> JSONDict:
        if all(old.get(key) == value for key, value in changes.items()):
            raise ApiError(400, "Bad Request: message is not modified")
        merged = {**old, **changes, "edit_date": int(time.time())}
        new = {key: value for key, value in merged.items() if value is not None}
        self._record(new)
        return new

    def _file_param(self, name: str, call: Call, *, folder: str) -> StoredFile:
        ref = call.params.get(name)
        part = name
        if isinstance(ref, str) and ref.startswith("attach://"):
            part = ref.removeprefix("attach://")
        if upload := call.files.get(part):
            return self._files.add(upload.data, folder, upload.filename, upload.content_type)
        if stored := self._files.get(ref):
            return stored
        if isinstance(ref, str) and ref.startswith(("http://", "https://")):
            # URLs are recorded but never fetched: the fake must stay offline.
            return self._files.add(b"", folder, ref.rsplit("/", 1)[-1])
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _commands_key(params: JSONDict) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _inline_markup(params: JSONDict) -> JSONDict | None:
    # Telegram only echoes inline keyboards; PTB cannot parse a reply keyboard in Message.
    markup = params.get("reply_markup")
    return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None


def _caption(call: Call) -> JSONDict:
    caption = call.params.get("caption")
    if caption is None:
        return {}
    return {"caption": rendered_text(str(caption), call.params.get("parse_mode"))}
