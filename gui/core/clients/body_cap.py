"""A response body read under a cap: no server can make a client hold more than the cap.

Both clients decode gzip and deflate here themselves (they ask for no other encoding), because
their own decoders inflate a whole network chunk at once: a 64 KB chunk of a gzip bomb becomes
64 MB before anyone could count it. Here every step inflates at most what is left of the cap.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"  # what ``CappedBody`` can decode; sent with every request
MAX_REDIRECTS = 5  # both clients follow this many, then call it a loop


class BodyTooLarge(Exception):
    """The body (as sent, or once decoded) is longer than the cap."""

    def __init__(self, max_bytes: int, seen_bytes: int) -> None:
        super().__init__(f"too large: the answer is over the {_size(max_bytes)} limit for one response")
        self.seen_bytes = seen_bytes


class BadEncoding(Exception):
    """The body claims an encoding it is not in, or one this client never asked for."""


class CappedBody:
    """Collects one body chunk by chunk, decoding as it goes, and refuses to grow past ``max_bytes``."""

    def __init__(self, max_bytes: int, content_encoding: str | None, content_length: str | None) -> None:
        self.max_bytes = max_bytes
        self.raw_bytes = 0
        self._chunks: list[bytes] = []
        self._size = 0
        self._encoding = (content_encoding or "").strip().lower()
        self._decoder = _decoder_for(self._encoding)
        announced = content_length.strip() if content_length else ""
        if announced.isdigit() and len(announced) < 20 and int(announced) > max_bytes:
            raise BodyTooLarge(max_bytes, 0)  # said in the headers: not one byte of it is read

    def feed(self, raw: bytes) -> None:
        self.raw_bytes += len(raw)
        if self.raw_bytes > self.max_bytes:
            raise BodyTooLarge(self.max_bytes, self.raw_bytes)
        if self._decoder is None:
            self._keep(raw)
            return
        data = raw
        while data:
            try:  # never inflate more than one byte past what the cap still allows
                self._keep(self._decoder.decompress(data, self.max_bytes - self._size + 1))
            except zlib.error as problem:
                raise BadEncoding(f"the body is not valid {self._encoding}: {problem}") from None
            data = self._decoder.unconsumed_tail

    def finish(self) -> bytes:
        if self._decoder is not None:
            try:
                self._keep(self._decoder.flush())
            except zlib.error as problem:
                raise BadEncoding(f"the body is not valid {self._encoding}: {problem}") from None
        return b"".join(self._chunks)

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self.max_bytes:
            raise BodyTooLarge(self.max_bytes, self._size)
        if data:
            self._chunks.append(data)


def _decoder_for(encoding: str) -> zlib._Decompress | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":  # zlib-wrapped, as RFC 9110 says; a raw deflate stream is refused
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise BadEncoding(f"the body is in {encoding!r}, an encoding this client did not ask for")


def _size(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024 and n_bytes % (1024 * 1024) == 0:
        return f"{n_bytes // (1024 * 1024):,} MB"
    return f"{n_bytes / 1024:,.0f} KB"
