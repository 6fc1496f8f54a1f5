"""The Voice: clips by text, from memory, the disk cache, or a render ahead of the playhead.

Why it is shaped like this: a render must never end a session,
and the lifter must never wait on one. So:

- rendering happens ahead of need, on one background thread, in the order
  the session will speak (:meth:`Voice.want`); the engine loop only waits
  when it asks for a phrase nobody foresaw, and then it jumps the queue;
- every clip is checked (:mod:`.check`); a bad one is rendered again, then
  by the next engine, and as a last resort becomes a short tone (the text is
  on screen anyway). One line on stderr says so, the first time only;
- only good clips are cached, so a failure never outlives the session.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from voicecoach import paths
from voicecoach.audio.clips import RATE, Clip, to_wav, trim
from voicecoach.speech.check import clip_problem
from voicecoach.speech.errors import SpeechUnavailable
from voicecoach.speech.renderer import Renderer

RENDER_TRIES = 2  # per engine: one retry, then the next engine
DEFAULT_CACHE_BYTES = 200 * 1024 * 1024  # ~4,000 phrases of espeak or Piper
MIN_FREE_BYTES = 256 * 1024 * 1024  # left free on the cache's disk, for the journal
WAV_HEADER = 44  # the RIFF header ``to_wav`` writes before the frames
HURRY_JOIN = 0.1  # on a signal, a render ahead is waited for this long: its engine is killed


class ClipCache:
    """Content-addressed clips on disk, ``sha256(identity + text).wav``, bounded in size.

    A read refreshes the file's time, so :meth:`shrink` removes the least
    recently used clips first. A corrupt entry is deleted and rendered again.
    A full or read-only cache dir is not an error: the clip stays in memory
    and one warning is kept for the caller to show. Nothing is cached when
    the cache's disk has less than ``min_free`` bytes left: the journal often
    shares that disk, and a set is worth more than a clip.

    A clip read back is checked like a fresh render (it lies on disk between
    runs, and a truncated or edited file would play cut off, slowed or for an
    hour): it must be the mono 16-bit WAV at the engine's rate that
    :meth:`put` writes, with as many frames as its header says and the file
    holds, and pass :func:`clip_problem` for its text. Else it is deleted and
    rendered again.
    """

    def __init__(
        self,
        folder: Path | None,
        max_bytes: int = DEFAULT_CACHE_BYTES,
        min_free: int = MIN_FREE_BYTES,
    ):
        self.folder = folder
        self.max_bytes = max_bytes
        self.min_free = min_free
        self.hits = 0
        self.misses = 0
        self.warning: str | None = None
        self.written = 0

    def _path(self, identity: str, text: str) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{identity}\0{text}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def get(self, identity: str, text: str) -> Clip | None:
        path = self._path(identity, text)
        if path is None:
            self.misses += 1
            return None
        try:
            data = paths.read_bytes(path, paths.CLIP_LIMIT)
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:  # a FIFO, a device, a folder or a huge file where a clip belongs
            self.misses += 1
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        try:
            clip = _cached_clip(data)
            if clip_problem(clip, text):
                raise ValueError("not speech for its text")
        except (ValueError, EOFError, Exception):  # wave raises wave.Error too
            self.misses += 1
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        self.hits += 1
        return clip

    def put(self, identity: str, text: str, clip: Clip) -> None:
        path = self._path(identity, text)
        if path is None or self.warning:
            return
        data = to_wav(clip)
        root = path.parent.parent  # the cache folder
        try:
            root.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(root).free
        except OSError:
            free = None  # not known: the write below says what is wrong, if anything
        if free is not None and free - len(data) < self.min_free:
            self.warning = (
                f"the disk of the speech cache at {self.folder} is nearly full "
                f"({free // (1024 * 1024)} MB free); clips are kept in memory for this run "
                "only, and the space is left to the journal"
            )
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
                self.written += 1
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.warning = (
                f"cannot write the speech cache at {self.folder} ({exc.strerror}); "
                "clips are kept in memory for this run only"
            )

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last used, bytes, path) of every clip on disk."""
        if self.folder is None or not self.folder.is_dir():
            return []
        out = []
        for sub in os.scandir(self.folder):
            if not sub.is_dir():
                continue
            for e in os.scandir(sub.path):
                if e.name.endswith(".wav"):
                    st = e.stat()
                    out.append((st.st_mtime, st.st_size, Path(e.path)))
        return out

    def shrink(self) -> int:
        """Remove the least recently used clips until the cache fits; returns how many."""
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def clear(self) -> tuple[int, int]:
        """Remove every clip; returns (clips, bytes) removed."""
        entries = self.entries()
        for _, _, path in entries:
            path.unlink(missing_ok=True)
        return len(entries), sum(size for _, size, _ in entries)


def _cached_clip(data: bytes) -> Clip:
    """The clip of a cache file, exactly as :meth:`ClipCache.put` wrote it; else ValueError."""
    import io
    import wave

    with wave.open(io.BytesIO(data)) as w:
        channels, width, rate, frames = (
            w.getnchannels(),
            w.getsampwidth(),
            w.getframerate(),
            w.getnframes(),
        )
        if (channels, width, rate) != (1, 2, RATE):
            raise ValueError(f"{channels} channel(s), {width * 8} bit, {rate} Hz")
        pcm = w.readframes(frames)
    if not pcm or len(pcm) != frames * 2 or len(data) != WAV_HEADER + len(pcm):
        raise ValueError("the frames do not match the header or the file's size")
    return Clip(pcm, rate)


def tone(seconds: float = 0.25, freq: float = 880.0) -> Clip:
    """The last-resort cue when no engine can say a phrase: a soft beep."""
    import array

    n = int(seconds * RATE)
    fade = int(0.01 * RATE)
    a = array.array("h", [0] * n)
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        a[i] = int(9000 * env * math.sin(2 * math.pi * freq * i / RATE))
    return Clip(a.tobytes())


class Voice:
    """Clips by text: memory, then the disk cache, then the renderers in order."""

    def __init__(
        self,
        renderers: Renderer | Sequence[Renderer],
        cache: ClipCache | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        self.renderers = list(renderers) if isinstance(renderers, Sequence) else [renderers]
        self.renderer = self.renderers[0]
        self.cache = cache or ClipCache(None)
        self.warn = warn or (lambda message: None)
        self.failed: dict[str, str] = {}  # renderer name -> why it is out for this session
        self.fallbacks: list[str] = []  # phrases not spoken by the primary engine
        self._memory: dict[str, Clip] = {}
        self._inflight: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._todo: list[tuple[float, int, str]] = []  # heap: (due, order, text)
        self._order = 0
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._closed = False
        self._warned = False
        self._cache_warned = False  # the cache's own warning, shown once, apart from renders

    @property
    def audible(self) -> bool:
        return self.renderer.audible

    # --- asking for clips -------------------------------------------------------------
    def clip(self, text: str) -> Clip:
        """The clip for ``text``; renders it now (jumping the queue) if nobody has yet."""
        while True:
            with self._lock:
                found = self._memory.get(text)
                if found is not None:
                    return found
                event = self._inflight.get(text)
                mine = event is None
                if mine:
                    event = self._inflight[text] = threading.Event()
            assert event is not None
            if not mine:
                event.wait()
                continue
            try:
                clip = self.cache.get(self.renderer.identity, text) or self._produce(text)
                with self._lock:
                    self._memory[text] = clip
                return clip
            finally:
                with self._lock:
                    del self._inflight[text]
                    self._wake.notify_all()
                event.set()

    def cached(self, text: str) -> bool:
        """True if the clip is in memory or on disk (and then loads it into memory)."""
        if text in self._memory:
            return True
        clip = self.cache.get(self.renderer.identity, text)
        if clip is not None:
            with self._lock:
                self._memory[text] = clip
        return clip is not None

    def duration(self, text: str) -> float:
        known = self.renderer.known_duration(text)
        if known is not None:  # the silent estimate engine: no PCM needed to know it
            return known
        return self.clip(text).seconds

    def want(self, texts: Iterable[str], due: float = math.inf) -> None:
        """Render these in the background, earliest ``due`` first, then in the given order.

        ``due`` is when the first of them may be spoken, on the session's clock;
        phrases wanted again with an earlier due time move up the queue.
        """
        if not self.renderer.audible:
            return  # the estimate engine needs no rendering
        with self._lock:
            new = [t for t in dict.fromkeys(texts) if t not in self._memory]
            if not new:
                return
            for text in new:
                self._order += 1
                heapq.heappush(self._todo, (due, self._order, text))
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._background, name="voicecoach-render-ahead", daemon=True
                )
                self._thread.start()
            self._wake.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until everything wanted so far is rendered; False on timeout."""
        import time

        deadline = time.monotonic() + timeout
        with self._lock:
            while self._todo or self._inflight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(left)
        return True

    def start(self) -> None:
        """Start the primary engine now (e.g. to show its error before the first word)."""
        try:
            self.renderer.start()
        except Exception as exc:  # RenderError: say what is wrong, the way callers expect
            raise SpeechUnavailable(str(exc)) from None

    def close(self, hurry: bool = False) -> None:
        """Stop rendering ahead, stop the engines, and keep the cache within its bound.

        ``hurry``: the run ends on a signal, so the engines are killed first, and a
        phrase being rendered ahead (or an engine loading for it) is not waited for.
        """
        with self._lock:
            self._closed = True
            self._todo.clear()
            self._wake.notify_all()
        if hurry:
            for r in self.renderers:
                r.kill()
        if self._thread is not None:
            self._thread.join(timeout=HURRY_JOIN if hurry else 10)
        for r in self.renderers:
            r.close()
        if self.cache.written:
            with contextlib.suppress(OSError):
                self.cache.shrink()

    # --- behind the scenes ------------------------------------------------------------
    def _background(self) -> None:
        while True:
            with self._lock:
                while not self._todo and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                text = heapq.heappop(self._todo)[2]
                if text in self._memory:
                    continue
            try:
                self.clip(text)
            except Exception as exc:  # never let the render-ahead thread die
                self._warn_once(f"rendering ahead failed ({exc})")

    def _produce(self, text: str) -> Clip:
        """Render and check; retry, then the next engine, then a tone."""
        problem = "no speech engine"
        for r in self.renderers:
            if self._closed:  # a render ahead cut short by close(): no next voice, no line
                return tone()
            if not r.audible:
                return trim(r.render(text))  # the silent estimate: nothing to check
            name = r.name
            if name in self.failed:
                continue
            for _ in range(RENDER_TRIES):
                try:
                    clip = trim(r.render(text))
                except Exception as exc:  # engines fail in their own ways: never fatal here
                    if self._closed:
                        return tone()
                    problem = str(exc) or type(exc).__name__
                    if getattr(exc, "fatal", False):
                        self.failed[name] = problem
                        break
                    if not getattr(exc, "retry", True):
                        break
                    continue
                problem = clip_problem(clip, text) or ""
                if not problem:
                    if r is not self.renderer:
                        self.fallbacks.append(text)
                    self.cache.put(r.identity, text, clip)
                    if self.cache.warning and not self._cache_warned:
                        self._cache_warned = True
                        self.warn(self.cache.warning)
                    return clip
            self._warn_once(
                f"the {name} voice could not say {text!r} ({problem}); "
                + ("using the next voice" if r is not self.renderers[-1] else "showing it as text")
            )
        self.fallbacks.append(text)
        return tone()

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            self.warn(message)
