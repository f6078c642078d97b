"""Schedules of ``kaisei serve``: cron expressions (5 fields, or 6 with seconds first) and ``every N[s|m|h|d]``,
read in a time zone, as APScheduler triggers; and the fire times around a moment (the "slot" a run belongs to).

Crontab's weekday numbers (0 and 7 = Sunday) are translated: APScheduler 3 counts 0 as Monday.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional
from zoneinfo import ZoneInfo

from tracker.errors import ConfigError
from tracker.i18n import ja_quote


class _Invalid(ValueError):
    """A schedule expression's problem, with its Japanese form for the ConfigError it becomes."""

    def __init__(self, message: str, *, ja: str) -> None:
        super().__init__(message)
        self.ja = ja


_EVERY = re.compile(r"^every\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$", re.I)
_DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_ANCHOR = dt.datetime(2000, 1, 1)


def _dow(field: str) -> str:
    """A crontab weekday field in APScheduler's terms (crontab: 0/7 = Sunday; APScheduler 3: 0 = Monday)."""
    if field in ("*", "?"):
        return "*"
    out = []
    for part in field.split(","):
        m = re.fullmatch(r"(\*|\d)(?:-(\d))?(?:/(\d+))?", part)
        if not m:
            out.append(part)  # names (mon-fri) mean the same to both
            continue
        first, last, step = m.group(1), m.group(2), int(m.group(3) or 1)
        lo, hi = (0, 6) if first == "*" else (int(first), int(last if last is not None else first))
        if m.group(3) and first != "*" and last is None:
            hi = 6
        if hi > 7 or lo > hi:
            raise _Invalid(f"bad weekday {part!r}", ja=f"曜日{ja_quote(part)}が正しくありません")
        out.extend(_DOW_NAMES[d] for d in range(lo, hi + 1, step))
    return ",".join(dict.fromkeys(out))


def parse_schedule(expr: str, timezone: str, *, key: str = "schedule"):
    """An APScheduler trigger for ``expr`` (5- or 6-field cron, or ``every N[s|m|h|d]``); ConfigError naming ``key``."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"schedule.timezone: unknown time zone {timezone!r}",
                          ja=f"schedule.timezone: タイムゾーン{ja_quote(timezone)}はありません") from exc
    text = " ".join(str(expr).split())
    every = _EVERY.match(text)
    try:
        if every:
            amount, unit = int(every.group(1)), every.group(2)[0].lower()
            if amount < 1:
                raise _Invalid("the interval must be at least 1", ja="間隔は 1 以上にしてください")
            seconds = amount * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
            # A fixed anchor: every instance computes the same slots.
            return IntervalTrigger(seconds=seconds, start_date=_ANCHOR.replace(tzinfo=zone), timezone=zone)
        fields = text.split(" ")
        if len(fields) == 5:
            minute, hour, day, month, dow = fields
            return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_dow(dow), timezone=zone)
        if len(fields) == 6:
            second, minute, hour, day, month, dow = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=_dow(dow), timezone=zone)
        raise _Invalid(f"{len(fields)} fields; use 5 (minute hour day month weekday), 6 (seconds first) "
                       "or 'every N[s|m|h|d]'",
                       ja=f"項目が {len(fields)} 個です。5 個「分 時 日 月 曜日」、秒を先頭に足した 6 個、"
                          "または「every N[s|m|h|d]」で書いてください")
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{key}: not a schedule: {expr!r}: {exc}",
                          ja=f"{key}: {ja_quote(expr)}はスケジュールとして読めません（{getattr(exc, 'ja', exc)}）") \
            from exc


def next_fire_time(trigger, after: dt.datetime) -> Optional[dt.datetime]:
    """The first time ``trigger`` fires strictly after ``after``."""
    return trigger.get_next_fire_time(None, after + dt.timedelta(microseconds=1))


def previous_fire_time(trigger, now: dt.datetime) -> Optional[dt.datetime]:
    """The most recent time at or before ``now`` that ``trigger`` fired (None within ~2 years)."""
    nxt = trigger.get_next_fire_time(None, now)
    if nxt is not None and nxt <= now:
        return nxt
    width = dt.timedelta(seconds=1)
    while width < dt.timedelta(days=800):
        lo = now - width
        found = trigger.get_next_fire_time(None, lo)
        if found is not None and found <= now:
            break
        width *= 2
    else:
        return None
    # next_fire(lo) <= now < next_fire(now): find the latest lo keeping it so (fire times are whole seconds).
    hi = now
    while hi - lo > dt.timedelta(milliseconds=100):
        mid = lo + (hi - lo) / 2
        cand = trigger.get_next_fire_time(None, mid)
        if cand is not None and cand <= now:
            lo = mid
        else:
            hi = mid
    return trigger.get_next_fire_time(None, lo)
