"""The scheduled service: schedules, locks, JobRun records, ``service status``, and real ``kaisei serve``
processes crawling the sample site and mailing a local SMTP server (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlmodel import select

from deliver_smtp import SmtpServer, closed_port, deliveries
from tracker.config import Settings
from tracker.errors import ConfigError
from tracker.locks import job_lock
from tracker.models import CrawlRun, JobRun, Source, Tag, Update
from tracker.people import add_person
from tracker.service import JobSpec, Service, job_status, next_fire_time, parse_schedule, plan_jobs, \
    previous_fire_time

JST = dt.timezone(dt.timedelta(hours=9))
UTC = dt.timezone.utc


# -- schedules -------------------------------------------------------------------------------------------------

def test_crontab_weekdays_mean_what_cron_means():
    sunday_noon = dt.datetime(2026, 11, 22, 12, 0, tzinfo=JST)
    weekdays = parse_schedule("0 9 * * 1-5", "Asia/Tokyo")
    assert next_fire_time(weekdays, sunday_noon) == dt.datetime(2026, 11, 23, 9, 0, tzinfo=JST)  # Monday
    sundays = parse_schedule("0 9 * * 0", "Asia/Tokyo")
    assert next_fire_time(sundays, sunday_noon) == dt.datetime(2026, 11, 29, 9, 0, tzinfo=JST)
    assert next_fire_time(parse_schedule("0 9 * * 7", "Asia/Tokyo"), sunday_noon).weekday() == 6
    assert next_fire_time(parse_schedule("0 */6 * * mon-fri", "Asia/Tokyo"), sunday_noon) == \
        dt.datetime(2026, 11, 23, 0, 0, tzinfo=JST)
    weekend = parse_schedule("30 7 * * 0,6", "Asia/Tokyo")
    assert next_fire_time(weekend, sunday_noon) == dt.datetime(2026, 11, 28, 7, 30, tzinfo=JST)  # Saturday


def test_seconds_scale_schedules():
    start = dt.datetime(2026, 11, 24, 10, 0, 1, 500000, tzinfo=JST)
    six = parse_schedule("*/2 * * * * *", "Asia/Tokyo")
    assert next_fire_time(six, start) == dt.datetime(2026, 11, 24, 10, 0, 2, tzinfo=JST)
    every = parse_schedule("every 2s", "Asia/Tokyo")
    assert next_fire_time(every, start) == dt.datetime(2026, 11, 24, 10, 0, 2, tzinfo=JST)
    assert previous_fire_time(every, start) == dt.datetime(2026, 11, 24, 10, 0, 0, tzinfo=JST)
    assert next_fire_time(parse_schedule("every 6h", "Asia/Tokyo"), start) == \
        dt.datetime(2026, 11, 24, 12, 0, tzinfo=JST)


@pytest.mark.parametrize("expr", ["nope", "61 * * * *", "* * * *", "every 0s", "0 9 * * 9"])
def test_bad_schedule_names_the_key(expr):
    with pytest.raises(ConfigError, match=r"^schedule\.crawl: not a schedule: "):
        parse_schedule(expr, "Asia/Tokyo", key="schedule.crawl")


@pytest.mark.parametrize("expr", ["0 */6 * * mon-fri", "30 7 * * *", "*/7 * * * * *", "every 90s", "15 3 1 * *"])
def test_previous_fire_time_is_the_latest_slot(expr):
    trigger = parse_schedule(expr, "Asia/Tokyo")
    now = dt.datetime(2026, 11, 24, 13, 47, 31, 250000, tzinfo=JST)
    prev = previous_fire_time(trigger, now)
    assert prev <= now
    assert next_fire_time(trigger, prev) > now  # nothing fired between it and now


def test_per_source_schedules_split_the_crawl():
    settings = Settings(schedule={"sources": {"egov-laws": "0 6 * * *"}})
    jobs = {j.name: j for j in plan_jobs(settings)}
    assert set(jobs) == {"crawl", "crawl:egov-laws", "digest"}
    assert jobs["crawl:egov-laws"].sources == ["egov-laws"]
    assert "egov-laws" not in jobs["crawl"].sources and "nta-news" in jobs["crawl"].sources
    assert plan_jobs(Settings())[0].sources is None  # no override: crawl everything
    with pytest.raises(ConfigError, match=r"schedule\.sources\.nosuch: unknown source"):
        plan_jobs(Settings(schedule={"sources": {"nosuch": "0 6 * * *"}}))


# -- locks and job runs ----------------------------------------------------------------------------------------

def test_lock_excludes_another_holder_and_another_process(engine, db_url, tmp_path):
    with job_lock(engine, "digest", lock_dir=str(tmp_path)) as first:
        assert first
        with job_lock(engine, "digest", lock_dir=str(tmp_path)) as second:
            assert not second
        with job_lock(engine, "crawl", lock_dir=str(tmp_path)) as other_job:
            assert other_job
        probe = ("import sys; from tracker.db import create_db_engine; from tracker.locks import job_lock\n"
                 f"e = create_db_engine({db_url!r})\n"
                 f"with job_lock(e, 'digest', lock_dir={str(tmp_path)!r}) as got: print(got)")
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        assert out.strip() == "False"
    with job_lock(engine, "digest", lock_dir=str(tmp_path)) as again:
        assert again


def _service(engine, db_url, settings) -> Service:
    return Service(engine=engine, settings=settings, database_url=db_url)


def _digest_spec(expr: str = "every 1h") -> JobSpec:
    return JobSpec("digest", "digest", expr, parse_schedule(expr, "Asia/Tokyo"))


def test_a_slot_runs_once_across_instances_and_locked_jobs_are_skipped(engine, db_url, session, tmp_path):
    settings = Settings(smtp={"host": "127.0.0.1", "port": closed_port(), "security": "none"},
                        schedule={"lock_dir": str(tmp_path)})
    one, two = _service(engine, db_url, settings), _service(engine, db_url, settings)
    spec = _digest_spec()
    first = one.run_job(spec)
    assert first.result == "ok" and first.message == "nothing to send"
    second = two.run_job(spec)
    assert second.result == "skipped" and "already run for this slot" in second.message
    assert one.run_job(spec, once=True) is None  # --once: not due
    with job_lock(engine, "digest", lock_dir=str(tmp_path)):
        held = two.run_job(_digest_spec("every 1s"))
    assert held.result == "skipped" and "lock held" in held.message


def test_a_failing_job_is_recorded_and_retried_at_its_next_slot(engine, db_url, session, tmp_path):
    add_person(session=session, handle="yamada", name="山田", email="yamada@example.co.jp", departments=["hr"])
    source = Source(name="mhlw-news", title="厚生労働省", kind="feed", url="https://www.mhlw.go.jp/")
    session.add(source)
    session.flush()
    update = Update(source_id=source.id, url="https://www.mhlw.go.jp/1", title="雇用保険料率の改定",
                    published_at=dt.datetime.now(UTC))
    session.add(update)
    session.flush()
    session.add(Tag(update_id=update.id, kind="department", label="hr"))
    session.commit()
    down = Settings(smtp={"host": "127.0.0.1", "port": closed_port(), "security": "none"},
                    schedule={"lock_dir": str(tmp_path)})
    run = _service(engine, db_url, down).run_job(_digest_spec("every 1s"))
    assert run.result == "error" and "cannot connect" in run.message
    time.sleep(1.05)  # the next slot
    with SmtpServer() as server:
        up = down.model_copy(update={"smtp": down.smtp.model_copy(update={"port": server.port})})
        again = _service(engine, db_url, up).run_job(_digest_spec("every 1s"))
        assert again.result == "ok" and len(server.recorder.messages) == 1
    rows = job_status(session=session, jobs=[_digest_spec()])
    assert rows[0].result == "ok" and rows[0].last_ok is not None and rows[0].next_run > dt.datetime.now(UTC)


def test_service_status_command(engine, db_url, session, tmp_path, capsys, monkeypatch):
    from tracker.cli import main

    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)

    def status(*extra: str) -> str:
        with pytest.raises(SystemExit) as caught:
            main(["--db", db_url, "--config", str(config), "service", "status", *extra])
        out, err = capsys.readouterr()
        assert caught.value.code == 0, err
        return out

    session.add(JobRun(job="crawl", started_at=dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC),
                       finished_at=dt.datetime(2026, 11, 24, 0, 1, tzinfo=UTC), result="error",
                       message="1 failed (broken)", host="h", pid=1))
    session.commit()
    config = tmp_path / "kaisei.toml"
    config.write_text('[schedule]\ncrawl = "0 */6 * * mon-fri"\ndigest = "30 7 * * *"\n', encoding="utf-8")
    lines = status().splitlines()
    assert lines[0].split()[:4] == ["JOB", "SCHEDULE", "LAST", "RUN"]
    crawl = next(ln for ln in lines if ln.startswith("crawl "))
    assert "2026-11-24 09:00:00" in crawl and "error" in crawl and "1 failed (broken)" in crawl
    digest = next(ln for ln in lines if ln.startswith("digest "))
    assert "never" in digest and "07:30:00" in digest
    data = json.loads(status("--format", "json"))
    assert {d["job"] for d in data} == {"crawl", "digest"}
    assert next(d for d in data if d["job"] == "crawl")["result"] == "error"
    # Found in QA: --lang was refused here; in Japanese the headers and results are Japanese, columns aligned.
    lines = status("--lang", "ja").splitlines()
    assert lines[0].split()[:3] == ["ジョブ", "スケジュール", "前回実行"]
    assert "エラー" in next(ln for ln in lines if ln.startswith("crawl ")) and lines[-1] == "（時刻は Asia/Tokyo）"
    assert "未実行" in next(ln for ln in lines if ln.startswith("digest "))
    from tracker.cli.people_cmd import display_width

    column = display_width(lines[0].split("スケジュール")[0])  # wide headers: the columns still line up
    assert display_width(next(ln for ln in lines if ln.startswith("crawl ")).split("0 */6")[0]) == column


def test_a_bad_schedule_is_one_line_and_exit_1(db_url, tmp_path, capsys):
    from tracker.cli import main

    config = tmp_path / "kaisei.toml"
    config.write_text('[schedule]\ncrawl = "every tuesday"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["--db", db_url, "--config", str(config), "serve", "--once"])
    err = capsys.readouterr().err
    assert caught.value.code == 1
    assert err.startswith("kaisei: schedule.crawl: not a schedule: 'every tuesday'") and err.count("\n") == 1


# -- real kaisei serve processes -------------------------------------------------------------------------------

def _write_config(folder: Path, *, base_url: str, smtp_port: int, crawl: str, digest: str) -> Path:
    from crawlers.sample_site import override_sources

    lines = []
    for entry in override_sources(base_url):
        lines += ["[[sources]]", f'name = "{entry["name"]}"', f'url = "{entry["url"]}"', ""]
    lines += ["[[sources]]", 'name = "broken"', 'kind = "feed"', 'title = "閉じたポート"',
              f'url = "http://127.0.0.1:{closed_port()}/feed.xml"', ""]
    (folder / "sources.toml").write_text("\n".join(lines), encoding="utf-8")
    config = folder / "kaisei.toml"
    config.write_text(f'''sources_file = "sources.toml"
[crawl]
download_delay = 0
timeout = 5
retries = 0
[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "改正 <kaisei@example.co.jp>"
[digest]
first_days = 3650
[schedule]
crawl = "{crawl}"
digest = "{digest}"
lock_dir = "{folder}"
''', encoding="utf-8")
    return config


def _team(session) -> None:
    everything = ["accounting", "hr", "legal", "general_affairs", "it"]
    add_person(session=session, handle="yamada", name="山田 太郎", email="yamada@example.co.jp",
               departments=everything)
    add_person(session=session, handle="smith", name="John Smith", email="smith@example.com",
               departments=["legal", "it"], lang="en")
    add_person(session=session, handle="sato", name="佐藤 花子", email="sato@example.co.jp", departments=["hr"])
    session.commit()


def _no_overlap(spans) -> bool:
    spans = sorted(spans)
    return all(prev_end is not None and prev_end <= start
               for (_, prev_end), (start, _) in zip(spans, spans[1:]))


def test_two_services_share_the_work_and_stop_on_sigterm(engine, db_url, session, tmp_path):
    from crawlers.sample_site import serve

    _team(session)
    with serve() as base, SmtpServer() as smtp:
        config = _write_config(tmp_path, base_url=base, smtp_port=smtp.port, crawl="*/3 * * * * *",
                               digest="every 2s")
        cmd = [sys.executable, "-m", "tracker", "--db", db_url, "--config", str(config), "serve"]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in (1, 2)]
        try:
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:  # until a crawl has finished and a digest went out after it
                time.sleep(0.5)
                session.expire_all()
                crawled = session.exec(select(JobRun).where(JobRun.job == "crawl",
                                                            JobRun.finished_at.is_not(None),
                                                            JobRun.result != "skipped")).first()
                assert all(p.poll() is None for p in procs), "a service died"
                if crawled and len(smtp.recorder.messages) >= 3:
                    sent_after = [j for j in session.exec(select(JobRun).where(
                        JobRun.job == "digest", JobRun.result == "ok")).all()
                        if j.started_at > crawled.finished_at]
                    if sent_after:
                        break
            time.sleep(2.5)  # one more round of both jobs on both instances
        finally:
            stopped_at = time.monotonic()
            procs[0].send_signal(signal.SIGTERM)
            procs[1].send_signal(signal.SIGINT)  # Ctrl-C in a terminal: the same clean stop
            outputs = [p.communicate(timeout=15) for p in procs]
            took = time.monotonic() - stopped_at
        codes = [p.returncode for p in procs]
        assert codes == [0, 0], outputs
        assert took < 5, f"took {took:.1f}s to stop"

        # it crawled the sample site and survived the broken source
        session.expire_all()
        assert session.exec(select(Update)).first() is not None
        broken = session.exec(select(CrawlRun).join(Source).where(Source.name == "broken")).all()
        # (the last crawl may have been cut short by the stop: it never counts as ok)
        assert any(r.status == "error" for r in broken) and not any(r.status == "ok" for r in broken)
        runs = session.exec(select(JobRun)).all()
        crawl_errors = [r for r in runs if r.job == "crawl" and r.result == "error" and "broken" in (r.message or "")]
        assert crawl_errors
        # it sent, and never the same update to the same person twice, across both instances
        counts = deliveries(smtp.recorder)
        assert counts and max(counts.values()) == 1
        assert {to for to, _ in counts} == {"yamada@example.co.jp", "smith@example.com", "sato@example.co.jp"}
        # never the same job at once: runs of one job do not overlap, nor crawls of one source
        by_job = defaultdict(list)
        for r in runs:
            if r.result != "skipped":
                by_job[r.job].append((r.started_at, r.finished_at))
        assert all(_no_overlap(spans) for spans in by_job.values()), by_job
        # and no slot of a job's schedule was run twice (by the same or the other instance)
        triggers = {"crawl": parse_schedule("*/3 * * * * *", "Asia/Tokyo"),
                    "digest": parse_schedule("every 2s", "Asia/Tokyo")}
        for job, spans in by_job.items():
            slots = [previous_fire_time(triggers[job], start) for start, _ in spans]
            assert len(slots) == len(set(slots)), (job, sorted(slots))
        by_source = defaultdict(list)
        for run, name in session.exec(select(CrawlRun, Source.name).join(Source)).all():
            by_source[name].append((run.started_at, run.finished_at))
        assert all(_no_overlap(spans) for spans in by_source.values())
        assert Counter(r.result for r in runs)["skipped"] > 0  # they did meet, and one stood aside
        assert {r.pid for r in runs if r.result in ("ok", "error")} <= {p.pid for p in procs}
        # one line per event, nothing else
        for _, err in outputs:
            events = [ln for ln in err.splitlines() if " tracker.service: " in ln]
            assert events[0].split("tracker.service: ")[1].startswith("serve: started")
            assert events[-1].endswith("serve: stopped")
            assert "Traceback" not in err


def test_serve_once_runs_what_is_due_then_exits(engine, db_url, session, tmp_path):
    from crawlers.sample_site import serve

    if engine.dialect.name != "sqlite":
        pytest.skip("the lock/slot logic is covered on PostgreSQL above; one real --once crawl is enough")
    _team(session)
    with serve() as base, SmtpServer() as smtp:
        config = _write_config(tmp_path, base_url=base, smtp_port=smtp.port, crawl="0 */6 * * *",
                               digest="30 7 * * *")
        cmd = [sys.executable, "-m", "tracker", "--db", db_url, "--config", str(config), "serve", "--once"]
        first = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert first.returncode == 1  # the broken source failed: cron hears about it
        assert first.stderr.strip().splitlines()[-1].startswith("kaisei: crawl: exit 1")
        assert len(smtp.recorder.messages) == 3  # crawl first, then the digest of what it found
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "crawl: not due" in second.stderr and "digest: not due" in second.stderr
        assert len(smtp.recorder.messages) == 3


def test_sigterm_while_the_smtp_server_hangs(engine, db_url, session, tmp_path):
    import socket

    if engine.dialect.name != "sqlite":
        pytest.skip("a stuck job is a thread matter, not a database one")
    add_person(session=session, handle="sato", name="佐藤 花子", email="sato@example.co.jp", departments=["hr"])
    source = Source(name="mhlw-news", title="厚生労働省", kind="feed", url="https://www.mhlw.go.jp/")
    session.add(source)
    session.flush()
    update = Update(source_id=source.id, url="https://www.mhlw.go.jp/2", title="育児・介護休業法の改正",
                    published_at=dt.datetime.now(UTC))
    session.add(update)
    session.flush()
    session.add(Tag(update_id=update.id, kind="department", label="hr"))
    session.commit()
    with socket.socket() as silent:  # listens, never accepts: the SMTP greeting never comes
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        config = tmp_path / "kaisei.toml"
        config.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {silent.getsockname()[1]}\nsecurity = "none"\n'
                          f'timeout = 60\n[schedule]\ncrawl = "0 0 1 1 *"\ndigest = "every 1s"\n'
                          f'lock_dir = "{tmp_path}"\n', encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "tracker", "--db", db_url, "--config", str(config), "serve"],
                                stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                time.sleep(0.3)
                session.expire_all()
                if session.exec(select(JobRun).where(JobRun.job == "digest", JobRun.result == "running")).first():
                    break
            time.sleep(0.5)
        finally:
            began = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=20)
            took = time.monotonic() - began
    assert proc.returncode == 0, err
    assert took < 5, f"took {took:.1f}s"
    assert "did not stop in time" in err and "Traceback" not in err
    session.expire_all()
    assert session.exec(select(JobRun)).first() is not None
    from tracker.models import DigestDelivery
    assert session.exec(select(DigestDelivery)).first() is None  # nothing recorded that was not accepted


def test_a_stopped_crawl_leaves_no_process_of_its_group(tmp_path):
    # Found in QA: after SIGTERM tests, forked parser workers of killed crawl children sat blocked for hours.
    import subprocess
    import sys
    import time

    from tracker.service import _stop_child

    script = ("import os, signal, sys, time\n"
              "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n"
              "pid = os.fork()\n"
              "if pid == 0:\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n    time.sleep(60)\n    os._exit(0)\n"
              "print(pid, flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    worker = int(proc.stdout.readline())
    _stop_child(proc)

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/status") as status:
                return not any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 5
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker)
