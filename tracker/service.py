"""``kaisei serve``: crawls and the digest on a schedule (APScheduler), one lock per job, every run in ``JobRun``.

Jobs: ``crawl`` (every source without a schedule of its own, on ``schedule.crawl``), ``crawl:<source>`` (a source
with its own cron in ``[schedule.sources]`` or its sources-file ``schedule``) and ``digest`` (``schedule.digest``).
Each crawl runs in a child process (``python -m tracker crawl …`` on the same database and config: Scrapy's reactor
cannot restart, and a crash there cannot take the service down). The digest runs in the service itself.

A run of job J for the slot S (the most recent time J's schedule fired):
  1. takes J's lock without waiting (``tracker.locks``) — else it is recorded as ``skipped``;
  2. is skipped when a run of J (ok, error or still running) started at or after S — another instance did this
     slot already, so two services on one database share the work and never do one slot twice;
  3. records a ``running`` JobRun, runs, and records ``ok`` or ``error`` with a one-line message.
A failing job is logged and recorded; it runs again at its next slot. ``serve --once`` runs, in turn, every job
whose most recent slot has no run yet (a first ``--once`` runs everything) and exits: cron can call it often.

Schedules are cron expressions read in ``schedule.timezone``: five fields (minute hour day month weekday; 0 or 7
is Sunday, names like mon-fri work), six fields with seconds first (``*/2 * * * * *``), or ``every N[s|m|h|d]``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.config import Settings
from tracker.db import session_scope
from tracker.errors import ConfigError, KaiseiError
from tracker.locks import job_lock
from tracker.models import CrawlRun, JobRun, Source, utcnow
from tracker.schedules import next_fire_time, parse_schedule, previous_fire_time

log = logging.getLogger(__name__)

UTC = dt.timezone.utc
CHILD_STOP_GRACE = 2.0  # seconds a crawl child gets to stop on SIGTERM before it is killed


# -- jobs ---------------------------------------------------------------------------------------------------------

@dataclass
class JobSpec:
    """One scheduled job: ``crawl`` (sources None = all without their own schedule), ``crawl:<name>`` or ``digest``."""

    name: str
    kind: str  # crawl | digest
    expr: str
    trigger: Any
    sources: Optional[list[str]] = None


def plan_jobs(settings: Settings, *, sources_file: Optional[str] = None) -> list[JobSpec]:
    """The jobs ``kaisei serve`` runs for ``settings`` (per-source crons split off the main crawl)."""
    tz = settings.schedule.timezone
    own: dict[str, str] = {}
    names: list[str] = []
    try:
        from crawlers.registry import load_sources
    except ImportError:  # the crawler package is not installed: schedule only what kaisei.toml names
        load_sources = None
    if load_sources is not None:
        specs = load_sources(settings=settings, sources_file=sources_file)
        names = [s.name for s in specs]
        own.update({s.name: s.schedule for s in specs if getattr(s, "schedule", None)})
    for name, expr in settings.schedule.sources.items():
        if load_sources is not None and name not in names:
            known = ", ".join(sorted(names))
            raise ConfigError(f"schedule.sources.{name}: unknown source (known: {known})",
                              ja=f"schedule.sources.{name}: その名前の情報源はありません（登録されている情報源: {known}）")
        own[name] = expr
    jobs: list[JobSpec] = []
    rest = [n for n in names if n not in own]
    if not own or rest:
        jobs.append(JobSpec("crawl", "crawl", settings.schedule.crawl,
                            parse_schedule(settings.schedule.crawl, tz, key="schedule.crawl"),
                            sources=rest if own else None))
    for name, expr in own.items():
        jobs.append(JobSpec(f"crawl:{name}", "crawl", expr,
                            parse_schedule(expr, tz, key=f"schedule.sources.{name}"), sources=[name]))
    jobs.append(JobSpec("digest", "digest", settings.schedule.digest,
                        parse_schedule(settings.schedule.digest, tz, key="schedule.digest")))
    return jobs


class Service:
    """Runs jobs with their locks and JobRun records; ``serve()`` schedules them, ``run_once()`` runs what is due."""

    def __init__(self, *, engine: Engine, settings: Settings, database_url: str,
                 config_path: Optional[Path] = None, sources_file: Optional[str] = None) -> None:
        self.engine = engine
        self.settings = settings
        self.database_url = database_url
        self.config_path = config_path
        self.sources_file = sources_file
        self.jobs = plan_jobs(settings, sources_file=sources_file)
        self.stop_event = threading.Event()
        self.host = socket.gethostname()
        self._running: set[str] = set()
        self._running_cond = threading.Condition()

    # -- one run --------------------------------------------------------------------------------------------------

    def run_job(self, spec: JobSpec, *, once: bool = False) -> Optional[JobRun]:
        """Run ``spec`` for its current slot under its lock; returns the JobRun (None when --once found it not due,
        or when even recording the run failed — the database is down: logged in one line, tried at the next slot)."""
        try:
            return self._run_job(spec, once=once)
        except Exception as exc:  # the scheduler must never see an exception (it would print a traceback)
            log.error("%s: failed: %s", spec.name, " ".join(str(exc).split())[:500] or type(exc).__name__)
            log.debug("%s failed", spec.name, exc_info=True)
            return None

    def _run_job(self, spec: JobSpec, *, once: bool) -> Optional[JobRun]:
        now = utcnow()
        slot = previous_fire_time(spec.trigger, now) or dt.datetime(1970, 1, 1, tzinfo=UTC)
        with self._track(spec.name), job_lock(self.engine, spec.name, lock_dir=self.settings.schedule.lock_dir) as got:
            if not got:
                return self._skip(spec, "another kaisei is running this job (lock held)")
            with session_scope(self.engine) as session:
                done = session.exec(
                    select(JobRun).where(JobRun.job == spec.name, JobRun.result != "skipped",
                                         JobRun.started_at >= slot)
                    .order_by(JobRun.started_at.desc())).first()
            if done is not None:
                if once:
                    log.info("%s: not due (last run %s, %s)", spec.name, _local(done.started_at, self.zone),
                             done.result)
                    return None
                return self._skip(spec, f"already run for this slot by {done.host}:{done.pid}")
            if self.stop_event.is_set():
                return None
            with session_scope(self.engine) as session:
                run = JobRun(job=spec.name, started_at=utcnow(), host=self.host, pid=os.getpid())
                session.add(run)
            log.info("%s: started", spec.name)
            began = time.monotonic()
            try:
                if spec.kind == "crawl":
                    result, message = self._crawl(spec, run.started_at)
                else:
                    result, message = self._digest()
            except KaiseiError as exc:
                result, message = "error", str(exc)
            except Exception as exc:  # a job never takes the service down: record it and go on
                log.debug("%s failed", spec.name, exc_info=True)
                result, message = "error", f"{type(exc).__name__}: {' '.join(str(exc).split())}"
            run.finished_at, run.result, run.message = utcnow(), result, message[:2000]
            with session_scope(self.engine) as session:
                session.merge(run)
            took = time.monotonic() - began
            (log.info if result == "ok" else log.warning)("%s: %s in %.1fs: %s", spec.name, result, took, message)
            return run

    @property
    def zone(self) -> dt.tzinfo:
        return ZoneInfo(self.settings.schedule.timezone)

    def _skip(self, spec: JobSpec, why: str) -> JobRun:
        now = utcnow()
        run = JobRun(job=spec.name, started_at=now, finished_at=now, result="skipped", message=why,
                     host=self.host, pid=os.getpid())
        with session_scope(self.engine) as session:
            session.add(run)
        log.info("%s: skipped: %s", spec.name, why)
        return run

    @contextmanager
    def _track(self, name: str) -> Iterator[None]:
        """Count ``name`` as running while inside, so a stop can wait for it."""
        with self._running_cond:
            self._running.add(name)
        try:
            yield
        finally:
            with self._running_cond:
                self._running.discard(name)
                self._running_cond.notify_all()

    def crawl_command(self, spec: JobSpec) -> list[str]:
        """The child process that crawls ``spec``'s sources (same database, config and sources file)."""
        cmd = [sys.executable, "-m", "tracker", "--db", self.database_url]
        if self.config_path:
            cmd += ["--config", str(self.config_path)]
        cmd.append("crawl")
        if self.sources_file:
            cmd += ["--sources", str(self.sources_file)]
        for name in spec.sources or []:
            cmd += ["--only", name]
        return cmd

    def _crawl(self, spec: JobSpec, started_at: dt.datetime) -> tuple[str, str]:
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(self.crawl_command(spec), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=out, start_new_session=True)  # our signals are ours to pass on
            while True:
                try:
                    code = proc.wait(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    if self.stop_event.is_set():
                        _stop_child(proc)
                        return "error", "interrupted: the service was stopped"
            out.seek(0)
            stderr = out.read().decode("utf-8", "replace")
        summary = self._crawl_summary(spec, started_at)
        if code == 0:
            return "ok", summary or "nothing to crawl"
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        # The crawl names each failure on a "kaisei: …" line; log lines of the child are not the story.
        mine = [ln.removeprefix("kaisei: ") for ln in lines if ln.startswith("kaisei: ")]
        detail = "; ".join(mine[:10] if mine else lines[-1:])
        return "error", f"exit {code}" + (f": {summary}" if summary else "") + (f" | {detail}" if detail else "")

    def _crawl_summary(self, spec: JobSpec, started_at: dt.datetime) -> str:
        with session_scope(self.engine) as session:
            query = (select(CrawlRun, Source.name).join(Source, Source.id == CrawlRun.source_id)
                     .where(CrawlRun.started_at >= started_at))
            if spec.sources:
                query = query.where(Source.name.in_(spec.sources))
            rows = session.exec(query).all()
        if not rows:
            return ""
        failed = [f"{name}" for run, name in rows if run.status == "error"]
        line = (f"{len(rows)} source(s): {sum(r.new for r, _ in rows)} new, {sum(r.changed for r, _ in rows)} "
                f"changed, {sum(r.unchanged for r, _ in rows)} not modified, {len(failed)} failed")
        if failed:
            line += f" ({', '.join(failed[:10])})"
        return line

    def _digest(self) -> tuple[str, str]:
        from tracker.digest import deliver_digests

        report = deliver_digests(engine=self.engine, settings=self.settings, should_stop=self.stop_event.is_set)
        return "ok", report.summary()

    # -- whole runs -----------------------------------------------------------------------------------------------

    def run_once(self, *, install_signals: bool = True) -> list[JobRun]:
        """Run every job that is due now (crawls first, then the digest), one after another.

        SIGTERM/SIGINT stop it as they stop ``serve``: the crawl child is terminated, the digest stops between
        two messages, and the interrupted run is recorded."""
        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        self.recover_stale_runs()
        runs = []
        for spec in sorted(self.jobs, key=lambda j: j.kind != "crawl"):
            if self.stop_event.is_set():
                break
            run = self.run_job(spec, once=True)
            if run is not None:
                runs.append(run)
        return runs

    def recover_stale_runs(self) -> int:
        """Close ``running`` JobRuns of this host whose process is gone (a killed service); returns how many."""
        with session_scope(self.engine) as session:
            stale = [r for r in session.exec(select(JobRun).where(JobRun.result == "running",
                                                                  JobRun.host == self.host)).all()
                     if r.pid and r.pid != os.getpid() and not _alive(r.pid)]
            for run in stale:
                run.result, run.finished_at = "error", utcnow()
                run.message = (run.message or "") + "interrupted: the process running it is gone"
                session.add(run)
        return len(stale)

    def serve(self, *, install_signals: bool = True) -> bool:
        """Run the schedule in the foreground until SIGTERM/SIGINT (or ``stop_event``).

        Returns False when a job did not stop in time (the caller should then leave without waiting for it)."""
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, self._on_signal)
        self.recover_stale_runs()
        scheduler = BackgroundScheduler(
            timezone=self.zone,
            executors={"default": ThreadPoolExecutor(max_workers=max(2, len(self.jobs)))},
            # One run at a time per job; runs missed while busy collapse into one, however late.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        for spec in self.jobs:
            scheduler.add_job(self.run_job, trigger=spec.trigger, args=[spec], id=spec.name, name=spec.name)
        scheduler.start()
        log.info("serve: started (pid %d); %s", os.getpid(), "; ".join(
            f"{j.name} next {_local(scheduler.get_job(j.name).next_run_time, self.zone)}" for j in self.jobs))
        try:
            while not self.stop_event.wait(0.5):
                pass
        finally:
            scheduler.shutdown(wait=False)
            self.stop_event.set()
            clean = self._await_jobs(deadline=time.monotonic() + CHILD_STOP_GRACE + 1.5)
            log.info("serve: stopped")
        return clean

    def _on_signal(self, signum: int, _frame: object) -> None:
        if not self.stop_event.is_set():
            log.info("serve: stopping on %s", signal.Signals(signum).name)
        self.stop_event.set()

    def _await_jobs(self, *, deadline: float) -> bool:
        with self._running_cond:
            while self._running and time.monotonic() < deadline:
                self._running_cond.wait(timeout=max(0.05, deadline - time.monotonic()))
            if self._running:
                log.warning("serve: %s did not stop in time; leaving it", ", ".join(sorted(self._running)))
                return False
        return True


def _stop_child(proc: subprocess.Popen) -> None:
    """SIGTERM the crawl child, then SIGKILL it if it has not gone within CHILD_STOP_GRACE seconds.

    Then SIGKILL what is left of its process group (it was started in a session of its own): a crawl killed
    while its forked parser workers wait on their queue would otherwise leave them blocked forever.
    """
    try:
        proc.terminate()
        proc.wait(timeout=CHILD_STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    except ProcessLookupError:
        pass
    try:
        # While any member lives the group id stays taken, so this cannot reach an unrelated process group.
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _local(value: Optional[dt.datetime], zone: dt.tzinfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z") if value else "-"


# -- status -------------------------------------------------------------------------------------------------------

@dataclass
class JobStatus:
    job: str
    schedule: str
    last_run: Optional[dt.datetime]
    result: Optional[str]
    message: Optional[str]
    last_ok: Optional[dt.datetime]
    next_run: Optional[dt.datetime]

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "schedule": self.schedule, "last_run": self.last_run, "result": self.result,
                "message": self.message, "last_ok": self.last_ok, "next_run": self.next_run}


def job_status(*, session, jobs: list[JobSpec], now: Optional[dt.datetime] = None) -> list[JobStatus]:
    """Each job's last run (skipped runs only when there is nothing else), last success and next run time."""
    now = now or utcnow()
    result = []
    for spec in jobs:
        runs = session.exec(select(JobRun).where(JobRun.job == spec.name)
                            .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(50)).all()
        real = [r for r in runs if r.result != "skipped"]
        last = (real or runs or [None])[0]
        ok = session.exec(select(JobRun.started_at).where(JobRun.job == spec.name, JobRun.result == "ok")
                          .order_by(JobRun.started_at.desc()).limit(1)).first()
        result.append(JobStatus(spec.name, spec.expr, last.started_at if last else None,
                                last.result if last else None, last.message if last else None, ok,
                                next_fire_time(spec.trigger, now)))
    return result
