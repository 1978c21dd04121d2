"""Remove a secret from a text, even when it comes back re-cased or cut."""

from __future__ import annotations

MARKER = "**REDACTED**"
MIN_FRAGMENT = 8


def _lower(text: str) -> str:
    """Return text lower-cased character by character, keeping its length."""
    if text.isascii():
        return text.lower()
    # A few characters lower-case to two ("İ"): keep those as they are, so that
    # indexes in the lowered text are indexes in the original one.
    return "".join(lowered if len(lowered := ch.lower()) == 1 else ch for ch in text)


def redact(text: str, secret: str, min_len: int = MIN_FRAGMENT) -> str:
    """Replace every part of text matching min_len or more characters of secret, any case."""
    if min_len < 1:
        raise ValueError("min_len must be at least 1")
    if not secret:
        return text
    if len(secret) < min_len:
        return text.replace(secret, MARKER)
    lowered_secret = _lower(secret)
    # Any echo of min_len characters or more is a run of overlapping windows of
    # exactly min_len characters, each of them a window of the secret.
    windows = {
        lowered_secret[index : index + min_len]
        for index in range(len(secret) - min_len + 1)
    }
    lowered = _lower(text)
    spans: list[list[int]] = []
    for index in range(len(text) - min_len + 1):
        if lowered[index : index + min_len] not in windows:
            continue
        if spans and index <= spans[-1][1]:
            spans[-1][1] = index + min_len
        else:
            spans.append([index, index + min_len])
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for begin, end in spans:
        parts.append(text[position:begin])
        parts.append(MARKER)
        position = end
    parts.append(text[position:])
    return "".join(parts)
