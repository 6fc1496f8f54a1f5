"""The parent's side of a speech worker: start it, ask it for clips, and never wait forever.

A reader thread turns the worker's pipe into messages on a queue, so that
every wait has a deadline on every platform (``select`` does not work on
Windows pipes). A worker that hangs past its deadline is killed; one that
dies is started again on the next request (at most ``MAX_STARTS`` times); one
whose engine cannot load is out for the session.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import weakref
from typing import IO, Any

from voicecoach.audio.clips import Clip
from voicecoach.speech.engines import ENGINES, EngineSpec
from voicecoach.speech.renderer import Renderer

START_TIMEOUT = 30.0  # loading a neural model on a busy 2-core machine takes ~1-2 s
# A coach phrase renders in 1-500 ms; past this it is a hang. A run passes the
# render_timeout setting (checked with the other settings); this is the default.
RENDER_TIMEOUT = 8.0
MAX_STARTS = 20  # restarts after crashes or hangs; a worker that cannot start is out at once


class RenderError(RuntimeError):
    """One render failed. ``fatal``: this engine will not work in this session."""

    def __init__(self, message: str, fatal: bool = False, retry: bool = True):
        super().__init__(message)
        self.fatal = fatal
        # A hang or a crash is not retried on the same engine: it would likely happen
        # again, and the next engine is faster than a second wait.
        self.retry = retry


class WorkerRenderer(Renderer):
    """Renders through a ``voicecoach.speech.worker`` process that owns the engine."""

    audible = True

    def __init__(self, spec: EngineSpec, render_timeout: float | None = None):
        self.spec = spec
        self._render_timeout = render_timeout  # None: the module's default, read per render
        self.name = spec.label
        self.identity = spec.identity()
        self._proc: subprocess.Popen[bytes] | None = None
        self._messages: queue.Queue[tuple[dict[str, Any], bytes] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._starts = 0
        self._dead: str | None = None

    # --- life cycle ------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker and wait until its engine has loaded; RenderError if it can't."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._dead:
            raise RenderError(self._dead, fatal=True)
        if self._proc is not None and self._proc.poll() is None:
            return
        if self._starts >= MAX_STARTS:
            self._dead = f"{self.name} stopped {self._starts} times; not starting it again"
            raise RenderError(self._dead, fatal=True)
        self._starts += 1
        env = dict(os.environ)
        env.setdefault("OMP_NUM_THREADS", "1")  # onnxruntime: leave a core for the session
        for name, value in ENGINES[self.spec.engine].worker_env:
            env.setdefault(name, value)
        # A session of its own: Ctrl-C, Ctrl-\ and Ctrl-Z at the terminal reach us, not it.
        # When we die, its stdin closes and it exits.
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "voicecoach.speech.worker", json.dumps(self.spec.to_json())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=sys.platform != "win32",
        )
        # A renderer dropped without close() (a test, an error path) still ends its worker.
        weakref.finalize(self, _reap, self._proc)
        self._messages = queue.Queue()
        threading.Thread(
            target=_read_messages,
            args=(self._proc.stdout, self._messages),
            name="voicecoach-speech-reader",
            daemon=True,
        ).start()
        header, _ = self._next(START_TIMEOUT, "starting")
        if not header.get("ok"):
            self._dead = str(header.get("error", "the engine did not start"))
            self._kill()
            raise RenderError(self._dead, fatal=True)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()

    def kill(self) -> None:
        """End the worker now, from any thread: the run is ending on a signal. A render
        waiting on it then fails at once instead of holding the exit up."""
        self._kill()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    # --- rendering ---------------------------------------------------------------------
    def render(self, text: str) -> Clip:
        with self._lock:
            self._ensure_started()
            assert self._proc is not None and self._proc.stdin is not None
            try:
                self._proc.stdin.write(json.dumps({"text": text}).encode() + b"\n")
                self._proc.stdin.flush()
            except OSError:
                self._kill()
                raise RenderError(f"{self.name} exited", retry=False) from None
            timeout = self._render_timeout or RENDER_TIMEOUT
            header, pcm = self._next(timeout, f"rendering {text!r}")
            if not header.get("ok"):
                raise RenderError(f"{self.name}: {header.get('error', 'failed')}")
            return Clip(pcm, int(header.get("rate", 22050)))

    def _next(self, timeout: float, doing: str) -> tuple[dict[str, Any], bytes]:
        try:
            message = self._messages.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            raise RenderError(
                f"{self.name} hung for {timeout:g} s while {doing}", retry=False
            ) from None
        if message is None:
            code = self._proc.wait() if self._proc is not None else None
            self._proc = None
            raise RenderError(f"{self.name} exited (status {code}) while {doing}", retry=False)
        return message


def _reap(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _read_messages(
    pipe: IO[bytes] | None, out: queue.Queue[tuple[dict[str, Any], bytes] | None]
) -> None:
    """Reader thread: header line + payload per message; None when the pipe closes."""
    try:
        while pipe is not None:
            line = pipe.readline()
            if not line:
                break
            header = json.loads(line)
            size = int(header.get("bytes", 0))
            payload = pipe.read(size) if size else b""
            if len(payload) < size:
                break
            out.put((header, payload))
    except (OSError, ValueError):
        pass
    out.put(None)
