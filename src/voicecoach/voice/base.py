"""The Voice: rendered, trimmed, cached clips and their durations."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from voicecoach.clips import Clip, from_wav, to_wav, trim

RENDER_RETRIES = 2


class SpeechUnavailable(RuntimeError):
    """The speech engine cannot run; the message says how to fix it."""


class Renderer(Protocol):
    """One speech engine, configured once."""

    identity: str  # engine, version, voice, rate and volume: part of the cache key

    def render(self, text: str) -> Clip:
        """Render one phrase to PCM (untrimmed)."""


class ClipCache:
    """Content-addressed clips on disk: ``sha256(identity + text).wav``.

    A full or read-only cache dir is not an error: the clip stays in memory
    and one warning is kept for the caller to show.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self.warning: str | None = None

    def _path(self, identity: str, text: str) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{identity}\0{text}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def get(self, identity: str, text: str) -> Clip | None:
        path = self._path(identity, text)
        if path is None or not path.is_file():
            self.misses += 1
            return None
        try:
            clip = from_wav(path.read_bytes())
        except (OSError, ValueError, EOFError):
            self.misses += 1
            return None
        if not clip.pcm:  # an empty clip is never right: render it again
            self.misses += 1
            return None
        self.hits += 1
        return clip

    def put(self, identity: str, text: str, clip: Clip) -> None:
        path = self._path(identity, text)
        if path is None or self.warning:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(to_wav(clip))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.warning = (
                f"cannot write the speech cache at {self.folder} ({exc.strerror}); "
                "clips are kept in memory for this run only"
            )


class Voice:
    """Clips by text: memory first, then the disk cache, then the renderer."""

    def __init__(self, renderer: Renderer, cache: ClipCache | None = None):
        self.renderer = renderer
        self.cache = cache or ClipCache(None)
        self._memory: dict[str, Clip] = {}

    @property
    def audible(self) -> bool:
        return getattr(self.renderer, "audible", True)

    def clip(self, text: str) -> Clip:
        clip = self._memory.get(text)
        if clip is None:
            clip = self.cache.get(self.renderer.identity, text)
            if clip is None:
                clip = self._render(text)
                if clip.pcm:
                    self.cache.put(self.renderer.identity, text, clip)
            self._memory[text] = clip
        return clip

    def cached(self, text: str) -> bool:
        """True if the clip is in memory or on disk (and then loads it into memory)."""
        if text in self._memory:
            return True
        clip = self.cache.get(self.renderer.identity, text)
        if clip is not None:
            self._memory[text] = clip
        return clip is not None

    def start(self) -> None:
        """Start the renderer now, so a missing engine is found before the first word."""
        start = getattr(self.renderer, "start", None)
        if start is not None:
            start()

    def _render(self, text: str) -> Clip:
        """Render and trim; retry a silent result, which espeak-ng very rarely returns.

        Seen once here: a phrase came back as pure silence and, cached, stayed
        silent in every later run. A retry gets real speech.
        """
        clip = trim(self.renderer.render(text))
        for _ in range(RENDER_RETRIES):
            if clip.pcm or not any(ch.isalnum() for ch in text):
                break
            clip = trim(self.renderer.render(text))
        return clip

    def duration(self, text: str) -> float:
        known = getattr(self.renderer, "duration", None)
        if known is not None:  # the silent estimate engine: no PCM needed to know it
            return float(known(text))
        return self.clip(text).seconds

    def prerender(self, texts: list[str], progress: object = None) -> None:
        """Render every phrase before the first word, so the session never waits on speech."""
        for text in texts:
            self.clip(text)
            if callable(progress):
                progress()
