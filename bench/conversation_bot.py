"""Reference: a plain PTB ConversationHandler visit flow writing each step with aiosqlite."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bench.botcli import bot_arguments, serve
from bench.fake_api import TOKEN

__all__ = ["main"]

TARGET, PLACE, COUNT, PEOPLE, REVIEW = range(5)
_TARGETS = (("住户", "企业", "学校"), ("村(寨)", "社区", "其他"))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (user_id INTEGER PRIMARY KEY, step TEXT NOT NULL,
                                   data TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,
    target TEXT NOT NULL, place TEXT NOT NULL, count INTEGER NOT NULL, people INTEGER NOT NULL,
    created_at TEXT NOT NULL);
"""


class _Db:
    """One aiosqlite connection; each step's write is committed before the bot answers."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db
        self.lock = asyncio.Lock()

    async def save_draft(self, user_id: int, step: str, data: dict[str, Any]) -> None:
        async with self.lock:
            await self.db.execute(
                "INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?)",
                (user_id, step, json.dumps(data, ensure_ascii=False), _now()),
            )
            await self.db.commit()

    async def save_visit(self, user_id: int, data: dict[str, Any]) -> int:
        async with self.lock:
            cursor = await self.db.execute(
                "INSERT INTO visits (user_id, target, place, count, people, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, data["target"], data["place"], data["count"], data["people"], _now()),
            )
            await self.db.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
            await self.db.commit()
            return int(cursor.lastrowid or 0)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault("draft", {})
    return draft


def _number(text: str | None, top: int) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() and int(value) <= top else None


class _Flow:
    def __init__(self, db: _Db) -> None:
        self.db = db

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.effective_user is not None
        assert update.effective_chat is not None
        draft = _draft(context)
        draft.clear()
        await self.db.save_draft(update.effective_user.id, "target", draft)
        keyboard = [
            [InlineKeyboardButton(t, callback_data=f"t:{t}") for t in row] for row in _TARGETS
        ]
        await context.bot.send_message(
            update.effective_chat.id,
            "走访的是哪类对象？",
            reply_markup=InlineKeyboardMarkup(keyboard),
        )
        return TARGET

    async def target(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None
        assert query.data is not None
        assert update.effective_chat is not None
        await query.answer()
        draft = _draft(context)
        draft["target"] = query.data.removeprefix("t:")
        await self.db.save_draft(query.from_user.id, "place", draft)
        await context.bot.send_message(
            update.effective_chat.id, "走访地点在哪里？请输入名称或地址（不超过 100 字）。"
        )
        return PLACE

    async def place(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None
        assert message.text is not None
        assert update.effective_user
        place = " ".join(message.text.split())
        if not place or len(place) > 100:
            await context.bot.send_message(message.chat_id, "请输入不超过 100 字的地点。")
            return PLACE
        draft = _draft(context)
        draft["place"] = place
        await self.db.save_draft(update.effective_user.id, "count", draft)
        await context.bot.send_message(message.chat_id, "走访了多少户住户？请输入数字。")
        return COUNT

    async def count(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None
        assert update.effective_user is not None
        value = _number(message.text, 10_000)
        if value is None:
            await context.bot.send_message(message.chat_id, "请输入 0 到 10000 之间的整数。")
            return COUNT
        draft = _draft(context)
        draft["count"] = value
        await self.db.save_draft(update.effective_user.id, "people", draft)
        await context.bot.send_message(message.chat_id, "覆盖多少人？请输入数字。")
        return PEOPLE

    async def people(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        message = update.effective_message
        assert message is not None
        assert update.effective_user is not None
        value = _number(message.text, 100_000)
        if value is None:
            await context.bot.send_message(message.chat_id, "请输入 0 到 100000 之间的整数。")
            return PEOPLE
        draft = _draft(context)
        draft["people"] = value
        await self.db.save_draft(update.effective_user.id, "review", draft)
        card = (
            f"请核对走访登记：\n类型：{draft['target']}\n地点：{draft['place']}\n"
            f"数量：{draft['count']} 户\n覆盖人数：{value} 人\n无误请点【确认】。"
        )
        buttons = [[InlineKeyboardButton("✅ 确认", callback_data="ok")]]
        buttons[0].append(InlineKeyboardButton("❌ 取消", callback_data="no"))
        await context.bot.send_message(
            message.chat_id, card, reply_markup=InlineKeyboardMarkup(buttons)
        )
        return REVIEW

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        query = update.callback_query
        assert query is not None
        assert update.effective_chat is not None
        await query.answer()
        draft = _draft(context)
        visit_id = await self.db.save_visit(query.from_user.id, draft)
        chat = update.effective_chat.id
        await context.bot.send_message(
            chat,
            f"✅ 走访已登记（记录 #{visit_id}）\n"
            f"{draft['target']} {draft['count']}户 · {draft['people']} 人 · {draft['place']}",
        )
        more = InlineKeyboardMarkup([[InlineKeyboardButton("上报问题", callback_data="issue")]])
        await context.bot.send_message(
            chat, "走访中群众反映了问题吗？可以直接上报，会关联到这次走访。", reply_markup=more
        )
        draft.clear()
        return ConversationHandler.END

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.effective_chat is not None
        if update.callback_query is not None:
            await update.callback_query.answer()
        _draft(context).clear()
        await context.bot.send_message(update.effective_chat.id, "已取消本次走访登记。")
        return ConversationHandler.END


def build(api: str, concurrency: int, db: _Db, pool: int = 0) -> Application:  # type: ignore[type-arg]
    flow = _Flow(db)
    text = filters.TEXT & ~filters.COMMAND
    conversation = ConversationHandler(
        entry_points=[CommandHandler("visit", flow.start)],
        states={
            TARGET: [CallbackQueryHandler(flow.target, pattern=r"^t:")],
            PLACE: [MessageHandler(text, flow.place)],
            COUNT: [MessageHandler(text, flow.count)],
            PEOPLE: [MessageHandler(text, flow.people)],
            REVIEW: [
                CallbackQueryHandler(flow.confirm, pattern=r"^ok$"),
                CallbackQueryHandler(flow.cancel, pattern=r"^no$"),
            ],
        },
        fallbacks=[CommandHandler("cancel", flow.cancel)],
    )
    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(concurrency)
        .job_queue(None)
    )
    if pool:
        builder = builder.connection_pool_size(pool)
    application = builder.build()
    application.add_handler(conversation)
    application.add_handler(CommandHandler("cancel", flow.cancel))
    return application


async def _run(api: str, path: Path, concurrency: int, pool: int) -> None:
    connection = await aiosqlite.connect(path)
    try:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.executescript(_SCHEMA)
        application = build(api, concurrency, _Db(connection), pool)
        await serve(application)
    finally:
        await connection.close()


def main() -> None:
    args = bot_arguments(__doc__ or "")
    if not args.db:
        raise SystemExit("--db is required")
    asyncio.run(_run(args.api, Path(args.db), args.concurrency, args.pool))


if __name__ == "__main__":
    main()
