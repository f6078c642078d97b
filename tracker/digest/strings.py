"""The digest's words in Japanese and English (templates pick them by key, never hard-code a language)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ja": {
        "greeting": "{name} さん",
        "intro": "担当部署の新着情報と、期限が近い項目をお知らせします。",
        "subject_new": "新着{count}件",
        "subject_reminders": "期限間近{count}件",
        "subject_sep": "・",
        "new_heading": "新着情報",
        "reminders_heading": "期限が近いもの（未適用）",
        "published": "掲載",
        "effective_on": "施行日",
        "deadline_on": "締切",
        "days_left": "あと{days}日",
        "today": "本日",
        "more": "ほか{count}件は次回のダイジェストでお知らせします（kaisei tui で一覧できます）。",
        "count": "{count}件",
        "no_link": "（リンクなし）",
        "also": "関連部署",
        "footer": "このメールは kaisei が {date} に送信しました。既読・学習済・適用済の記録は kaisei tui で行えます。",
        "state_unread": "未読",
        "state_read": "既読",
        "state_studied": "学習済",
    },
    "en": {
        "greeting": "Hello {name},",
        "intro": "Here is what is new for your departments, and what falls due soon.",
        "subject_new": "{count} new",
        "subject_reminders": "{count} due soon",
        "subject_sep": ", ",
        "new_heading": "New updates",
        "reminders_heading": "Due soon (not yet applied)",
        "published": "Published",
        "effective_on": "In force",
        "deadline_on": "Deadline",
        "days_left": "in {days} days",
        "today": "today",
        "more": "{count} more will follow in the next digest (kaisei tui lists them all).",
        "count": "{count}",
        "no_link": "(no link)",
        "also": "Also for",
        "footer": "Sent by kaisei on {date}. Mark updates read, studied or applied in kaisei tui.",
        "state_unread": "unread",
        "state_read": "read",
        "state_studied": "studied",
    },
}


def strings_for(lang: str) -> dict[str, str]:
    """The table for ``lang`` (ja or en); anything else falls back to Japanese, kaisei's first language."""
    return STRINGS.get(lang, STRINGS["ja"])
