"""Checks that the field section in a screenshot of the teaching page is not blank: inside the
section's image area (window.dermisPage.sectionBox in web/app.js) the pixels must take many colours
of the viridis map, not one flat fill. Usage: inspect_section.py PNG X Y WIDTH HEIGHT (image area,
CSS px = screenshot px at device scale 1)."""
import sys

import numpy as np
from matplotlib import image

png, x, y, w, h = sys.argv[1], *map(float, sys.argv[2:6])
img = image.imread(png)[..., :3]
# 2 px inside the frame line on every side.
x0, y0, x1, y1 = int(round(x)) + 2, int(round(y)) + 2, int(round(x + w)) - 2, int(round(y + h)) - 2
area = img[y0:y1, x0:x1]
pixels = (area.reshape(-1, 3) * 255).round().astype(int)
colours = len({tuple(p) for p in pixels})
spread = float(pixels.mean(axis=1).std())
white = float(np.mean(np.all(pixels > 245, axis=1)))
print(f"section area {area.shape[1]}x{area.shape[0]} px: {colours} distinct colours, luminance spread {spread:.1f}, "
      f"{100 * white:.1f} % white")
sys.exit(0 if colours >= 20 and spread >= 5 and white < 0.2 else 1)
