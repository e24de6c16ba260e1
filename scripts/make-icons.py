#!/usr/bin/env python3
"""Draws the ecekit icon (a key-hole shaped mark on a rounded square) as PNGs.

Run once when the icon changes; the PNGs under www/icons/ are committed.
Only the standard library: a tiny PNG encoder with anti-aliasing by supersampling.
"""
import struct, zlib, math, os

BG = (0x0b, 0x6e, 0x75)      # teal
FG = (0xff, 0xff, 0xff)

def inside(x, y):
    """Shape in unit coordinates (0..1). Returns 'bg', 'fg' or None (transparent)."""
    r = 0.2  # corner radius of the rounded square
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    # key hole: a circle and a tapering stem
    if (x - 0.5) ** 2 + (y - 0.40) ** 2 < 0.16 ** 2:
        return 'fg'
    if 0.40 <= y <= 0.78 and abs(x - 0.5) < 0.06 + (y - 0.40) * 0.12:
        return 'fg'
    return 'bg'

def render(size, ss=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    k = inside((px + (sx + .5) / ss) / size, (py + (sy + .5) / ss) / size)
                    if k:
                        c = FG if k == 'fg' else BG
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = ss * ss
            a = acc[3] / n
            if a:
                row += bytes([round(acc[0] * 255 / acc[3]), round(acc[1] * 255 / acc[3]), round(acc[2] * 255 / acc[3]), round(a)])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    raw = b''.join(rows)
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

out = os.path.join(os.path.dirname(__file__), '..', 'www', 'icons')
os.makedirs(out, exist_ok=True)
for s in (16, 32, 48, 128):
    with open(os.path.join(out, f'icon-{s}.png'), 'wb') as f:
        f.write(render(s))
