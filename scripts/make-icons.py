#!/usr/bin/env python3
"""Draws the apps' install icons (static/icons/*.png) from the mark in static/icon.svg: the
brand's rounded square with a white tick. Python's standard library only (zlib for PNG), so
the icons can be made again anywhere; the PNGs are committed, and a server test reads their
sizes back.

- `any-<size>.png`: the mark as icon.svg draws it, its corners transparent.
- `maskable-<size>.png`: the brand colour to every edge and the tick inside the middle 80 %
  circle, the safe zone a launcher's mask keeps (https://w3c.github.io/manifest/#icon-masks).

Run from anywhere: python3 scripts/make-icons.py
"""
import math
import struct
import zlib
from pathlib import Path

BRAND = (0x0B, 0x4F, 0x6C)  # --brand in web/tokens.css, icon.svg's fill
TICK = (0xFF, 0xFF, 0xFF)
# icon.svg's geometry on its 64-unit canvas: the square's corner radius, the tick's path
# and stroke width.
CORNER = 12
TICK_POINTS = [(18, 34), (27, 43), (46, 22)]
TICK_WIDTH = 7
SIZES = (192, 512)
OUT = Path(__file__).resolve().parents[1] / "static" / "icons"


def segment_distance(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def rounded_square_distance(px, py, size, radius):
    """Signed distance to a square of `size` with rounded corners (negative inside)."""
    half = size / 2
    qx, qy = abs(px - half) - (half - radius), abs(py - half) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def coverage(distance, pixel):
    """How much of a pixel a shape covers, from the signed distance of its centre (in units
    of the canvas): a one-pixel ramp across the edge, so the edges are smooth."""
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def draw(size, maskable):
    # The mark's 64 units fill the icon; on a maskable icon the tick shrinks to the safe
    # zone (its drawing spans about 36 of 64 units across; 0.8 of the side keeps it well in).
    unit = size / 64
    scale = 0.8 if maskable else 1.0
    pixels = []
    for y in range(size):
        for x in range(size):
            u, v = (x + 0.5) / unit, (y + 0.5) / unit
            pixel = 1 / unit
            ground = 1.0 if maskable else coverage(rounded_square_distance(u, v, 64, CORNER), pixel)
            # The tick, drawn about the centre at this scale.
            tu, tv = 32 + (u - 32) / scale, 32 + (v - 32) / scale
            stroke = min(segment_distance(tu, tv, a, b) for a, b in zip(TICK_POINTS, TICK_POINTS[1:]))
            tick = coverage((stroke - TICK_WIDTH / 2) * scale, pixel)
            colour = [round(g * (1 - tick) + w * tick) for g, w in zip(BRAND, TICK)]
            alpha = round(255 * max(ground, tick * ground))
            pixels.append(bytes(colour + [alpha]))
    return png(size, size, pixels)


def png(width, height, pixels):
    """The pixels (RGBA, row by row) as a PNG: indexed when they have at most 256 colours, as
    these do (the brand, white, transparent and the edges' blends), which is the same image in
    a third fewer bytes than RGBA (the 192 px icon is fetched on a first visit)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colours = sorted(set(pixels), key=lambda c: (c[3] == 255, c))
    rows = []
    if len(colours) <= 256:
        index = {c: i for i, c in enumerate(colours)}
        for y in range(height):
            rows.append(b"\0" + bytes(index[c] for c in pixels[y * width:(y + 1) * width]))
        header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit indexed
        translucent = sum(1 for c in colours if c[3] < 255)  # sorted first: tRNS lists only them
        extra = chunk(b"PLTE", b"".join(c[:3] for c in colours))
        if translucent:
            extra += chunk(b"tRNS", bytes(c[3] for c in colours[:translucent]))
    else:
        for y in range(height):
            rows.append(b"\0" + b"".join(pixels[y * width:(y + 1) * width]))
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
        extra = b""
    idat = zlib.compress(b"".join(rows), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        for purpose in ("any", "maskable"):
            (OUT / f"{purpose}-{size}.png").write_bytes(draw(size, purpose == "maskable"))


if __name__ == "__main__":
    main()
