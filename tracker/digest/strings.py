"""The digest's words in Japanese and English (templates pick them by key, never hard-code a language)."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "ja": {
        "greeting": "{name} さん",
        "intro": "担当部署の新着情報と、期限が近い項目をお知らせします。",
        "intro_revised": "担当部署の新着情報、お知らせ済みの項目の改訂、期限が近い項目をお知らせします。",
        "subject_new": "新着{count}件",
        "subject_revised": "改訂{count}件",
        "subject_reminders": "期限間近{count}件",
        "subject_sep": "・",
        "new_heading": "新着情報",
        "reminders_heading": "期限が近いもの（未適用）",
        "revised_heading": "お知らせ済みの項目の改訂",
        "revised_title": "前の件名: {title}",
        "revised_content": "件名は同じで、内容が改訂されました。",
        "revised_applied": "適用済みです。記録した根拠（規程・設定など）が改訂後の内容に合っているかご確認ください。",
        "revised_more": "ほか{count}件の改訂は次回のダイジェストでお知らせします。",
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
        "state_applied": "適用済",
    },
    "en": {
        "greeting": "Hello {name},",
        "intro": "Here is what is new for your departments, and what falls due soon.",
        "intro_revised": ("Here is what is new for your departments, what was revised since we told you about it, "
                          "and what falls due soon."),
        "subject_new": "{count} new",
        "subject_revised": "{count} revised",
        "subject_reminders": "{count} due soon",
        "subject_sep": ", ",
        "new_heading": "New updates",
        "reminders_heading": "Due soon (not yet applied)",
        "revised_heading": "Revised since we told you",
        "revised_title": "Previously: {title}",
        "revised_content": "Same title; the content was revised.",
        "revised_applied": "You applied this: check that your evidence (rules, settings) still fits the revision.",
        "revised_more": "{count} more revised updates will follow in the next digest.",
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
        "state_applied": "applied",
    },
}


def strings_for(lang: str) -> dict[str, str]:
    """The table for ``lang`` (ja or en); anything else falls back to Japanese, kaisei's first language."""
    return STRINGS.get(lang, STRINGS["ja"])
