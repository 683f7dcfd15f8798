"""Colour science for the palette tests: how far apart two colours look, to normal vision and to the
three common colour-vision deficiencies.

Distances are CIEDE2000 (Sharma, Wu and Dalal 2005, "The CIEDE2000 color-difference formula:
implementation notes") in CIELAB under D65, from sRGB. Deficiencies are simulated with the matrices
of Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color
vision deficiency", at severity 1.0 (protanopia, deuteranopia, tritanopia), applied to linear sRGB
and clipped to the gamut, as colorspacious and colour-science apply them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

RGB = tuple[float, float, float]  # each channel 0..1


class Lab(NamedTuple):
    L: float
    a: float
    b: float


# Machado et al. (2009), severity 1.0, rows act on linear (R, G, B).
MACHADO_2009: dict[str, tuple[RGB, RGB, RGB]] = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
VISIONS = ("normal", *MACHADO_2009)

_SRGB_TO_XYZ = (  # IEC 61966-2-1, D65
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_D65_WHITE = (0.95047, 1.0, 1.08883)


def hex_rgb(hex_color: str) -> RGB:
    """``"#rrggbb"`` as channels 0..1."""
    value = hex_color.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def over(base: RGB, color: RGB, alpha: float) -> RGB:
    """``color`` at ``alpha`` composited on ``base`` the way a painter does it: in sRGB values."""
    red, green, blue = (b + (c - b) * alpha for b, c in zip(base, color, strict=True))
    return red, green, blue


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _encoded(channel: float) -> float:
    channel = min(max(channel, 0.0), 1.0)
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def _times(matrix: Sequence[Sequence[float]], vector: Sequence[float]) -> RGB:
    first, second, third = (sum(m * v for m, v in zip(row, vector, strict=True)) for row in matrix)
    return first, second, third


def simulate(rgb: RGB, vision: str) -> RGB:
    """``rgb`` as a viewer with ``vision`` ("normal" or a key of MACHADO_2009) sees it, as sRGB."""
    if vision == "normal":
        return rgb
    linear = _times(MACHADO_2009[vision], [_linear(c) for c in rgb])
    red, green, blue = (_encoded(c) for c in linear)
    return red, green, blue


def lab(rgb: RGB) -> Lab:
    """CIELAB (D65) of an sRGB colour."""
    xyz = _times(_SRGB_TO_XYZ, [_linear(c) for c in rgb])

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(value / white) for value, white in zip(xyz, _D65_WHITE, strict=True))
    return Lab(116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def hue_deg(rgb: RGB) -> float:
    """The CIELAB hue angle h_ab, 0..360 degrees (about 20-45 for reds, 90 yellow, 160 green, 270 blue)."""
    colour = lab(rgb)
    return math.degrees(math.atan2(colour.b, colour.a)) % 360


def chroma(rgb: RGB) -> float:
    colour = lab(rgb)
    return math.hypot(colour.a, colour.b)


def ciede2000(first: Lab, second: Lab) -> float:
    """CIEDE2000 colour difference, with kL = kC = kH = 1 (Sharma et al. 2005, equations 1-22)."""
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dl = l2 - l1
    dc = c2p - c1p
    if c1p * c2p == 0:
        dh = 0.0
    elif abs(h2p - h1p) <= 180:
        dh = h2p - h1p
    elif h2p - h1p > 180:
        dh = h2p - h1p - 360
    else:
        dh = h2p - h1p + 360
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_mean = (l1 + l2) / 2
    cp_mean = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_mean = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_mean = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_mean = (h1p + h2p + 360) / 2
    else:
        h_mean = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    d_theta = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_mean**7 / (cp_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (d_big_h / s_h) ** 2 + r_t * (dc / s_c) * (d_big_h / s_h))


def distance(first: RGB, second: RGB, vision: str = "normal") -> float:
    """How far apart two sRGB colours look to ``vision``: CIEDE2000 of the simulated colours."""
    return ciede2000(lab(simulate(first, vision)), lab(simulate(second, vision)))
