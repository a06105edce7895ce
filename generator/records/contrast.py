"""WCAG 2.2 contrast of colours: one formula for the Word styles and the site's palette.

Text needs 4.5:1 against what is behind it (WCAG 1.4.3, AA). Colours are
``#rrggbb`` or ``rrggbb``. :func:`readable` finds the first shade toward black
(or white) that is readable, as the site suggests for a colour that falls short.
"""

from __future__ import annotations

__all__ = ["MINIMUM", "contrast", "luminance", "readable", "rgb"]

#: WCAG 2.2 AA for body text (1.4.3).
MINIMUM = 4.5


def rgb(colour: str) -> tuple[int, int, int]:
    """The red, green and blue of ``#rrggbb`` or ``rrggbb``, 0 to 255."""
    digits = colour.removeprefix("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(colour: str) -> float:
    """WCAG's relative luminance, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two colours, 1 to 21 (the second is white unless given)."""
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _mix(colour: str, toward: str, share: float) -> tuple[float, float, float]:
    """``colour`` moved ``share`` (0 to 1) of the way to ``toward``, channel by channel, unrounded."""
    return tuple(x + (y - x) * share for x, y in zip(rgb(colour), rgb(toward), strict=True))  # type: ignore[return-value]


def readable(
    colour: str, toward: str, background: str = "#ffffff", minimum: float = MINIMUM, steps: int = 100
) -> tuple[int, int, int] | None:
    """The first of ``steps`` shades from ``colour`` to ``toward`` that gives ``minimum`` on ``background``."""
    for step in range(steps + 1):
        shade = tuple(max(0, min(255, round(v))) for v in _mix(colour, toward, step / steps))
        if contrast("".join(f"{v:02x}" for v in shade), background) >= minimum:
            return shade  # type: ignore[return-value]
    return None
