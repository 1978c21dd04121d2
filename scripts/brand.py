"""
Draw the integration's brand images: `python -m scripts.brand`.

Home Assistant 2026.3 and later shows a custom integration's own icon and logo from
`custom_components/<domain>/brand/` (served by its `brands` integration, which takes
the eight names below and prefers them to the brands CDN). The sizes follow the
home-assistant/brands README: the icon square, 256 x 256 and 512 x 512 for @2x; the
logo landscape, its shortest side 128 to 256 pixels (256 to 512 for @2x, the largest
preferred); PNG with transparency, trimmed to the artwork; `dark_` for dark themes.

The artwork is our own: a meter dial with a lightning-bolt needle, plus the words
"Enedis Gateway" in DejaVu Sans Bold (Debian's fonts-dejavu-core) for the logo; no
Enedis or Linky artwork or colours. Everything is drawn from fixed geometry at 4
times the @2x size, then scaled down, so a run redraws every file the same with the
same Pillow (the one Home Assistant pins; each file names it in a text chunk), and
`tests/test_packaging.py` checks that the files match a fresh drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from pathlib import Path
import sys

import PIL
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

ROOT = Path(__file__).resolve().parent.parent
BRAND_DIR = ROOT / "custom_components" / "enedis_gateway" / "brand"

# Where Debian (fonts-dejavu-core) and a few other systems keep DejaVu Sans Bold.
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    Path("/usr/local/share/fonts/DejaVuSans-Bold.ttf"),
)

ICON_SIZE = 256  # @2x: 512
LOGO_HEIGHT = 256  # the logo's shortest side; @2x: 512
MASTER = 4 * 2 * 256  # everything is drawn 4 times the @2x size, then scaled down


@dataclass(frozen=True)
class Palette:
    """Colours of one variant (light backgrounds, or dark ones for `dark_`)."""

    housing: str  # the meter's body
    rim: str | None  # an outline that keeps the body visible on a dark page
    face: str  # the dial
    ticks: str  # the gauge scale
    bolt: str  # the lightning bolt
    bolt_edge: str  # a thin edge around the bolt
    title: str  # "Enedis"
    subtitle: str  # "Gateway"


LIGHT = Palette(
    housing="#263238",
    rim=None,
    face="#37474F",
    ticks="#B0BEC5",
    bolt="#FFB300",
    bolt_edge="#1C262B",
    title="#263238",
    subtitle="#D84315",
)
DARK = Palette(
    housing="#2E3C43",
    rim="#90A4AE",
    face="#3D4F58",
    ticks="#CFD8DC",
    bolt="#FFC629",
    bolt_edge="#1C262B",
    title="#ECEFF1",
    subtitle="#FFB74D",
)
VARIANTS = {"": LIGHT, "dark_": DARK}


def find_font() -> Path:
    """Return DejaVu Sans Bold, or stop with what to install."""
    for path in FONT_PATHS:
        if path.is_file():
            return path
    sys.exit(
        "DejaVu Sans Bold (DejaVuSans-Bold.ttf) not found in "
        + ", ".join(str(path.parent) for path in FONT_PATHS)
        + ": install it with `apt-get install fonts-dejavu-core`."
    )


def _point(cx: float, cy: float, radius: float, degrees: float) -> tuple[float, float]:
    """Return a point of a circle: 0 degrees to the right, counter-clockwise."""
    angle = math.radians(degrees)
    return cx + radius * math.cos(angle), cy - radius * math.sin(angle)


def draw_mark(side: int, palette: Palette) -> Image.Image:
    """Draw the square mark, `side` pixels wide: a meter dial, a bolt for needle."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def u(value: float) -> int:
        """Scale from the unit square to pixels."""
        return round(value * side)

    # The meter's body: a rounded square filling the canvas (trimmed).
    rim = u(0.03) if palette.rim else 0
    draw.rounded_rectangle(
        (0, 0, side - 1, side - 1),
        radius=u(0.22),
        fill=palette.rim or palette.housing,
    )
    if rim:
        draw.rounded_rectangle(
            (rim, rim, side - 1 - rim, side - 1 - rim),
            radius=u(0.22) - rim,
            fill=palette.housing,
        )

    # The dial and its scale: ticks every 24 degrees over the upper 240.
    cx, cy, face = 0.5, 0.5, 0.37
    draw.ellipse(
        (u(cx - face), u(cy - face), u(cx + face), u(cy + face)), fill=palette.face
    )
    for index in (0, 1, 2, 3, 4, 6, 7, 8, 9, 10):  # the bolt stands at 90 degrees
        degrees = 210 - index * 24
        major = index in {0, 10}
        inner = 0.285 if major else 0.305
        start = _point(cx, cy, inner, degrees)
        end = _point(cx, cy, 0.34, degrees)
        draw.line(
            (u(start[0]), u(start[1]), u(end[0]), u(end[1])),
            fill=palette.ticks,
            width=u(0.028 if major else 0.018),
        )

    # The needle: a lightning bolt across the dial, with a thin dark edge.
    bolt = [
        (0.565, 0.12),
        (0.315, 0.55),
        (0.475, 0.55),
        (0.42, 0.88),
        (0.69, 0.43),
        (0.535, 0.43),
        (0.625, 0.12),
    ]
    points = [(u(x), u(y)) for x, y in bolt]
    # The edge: a closed line with round joints, half of it covered by the fill.
    draw.line(
        [*points, points[0]], fill=palette.bolt_edge, width=u(0.024), joint="curve"
    )
    draw.polygon(points, fill=palette.bolt)
    return image


def draw_logo(mark: Image.Image, palette: Palette, font_path: Path) -> Image.Image:
    """Draw the logo at the mark's scale: the mark, "Enedis" over "Gateway"; trim."""
    big = mark.height
    font = ImageFont.truetype(str(font_path), round(big * 0.43))
    lines = (("Enedis", palette.title), ("Gateway", palette.subtitle))
    gap = round(big * 0.13)
    # Ink box of each word from its baseline: (left, top, right, bottom).
    ink = max(font.getbbox(text, anchor="ls")[2] for text, _ in lines)
    canvas = Image.new("RGBA", (big + gap + ink + big // 8, big), (0, 0, 0, 0))
    canvas.alpha_composite(mark)
    draw = ImageDraw.Draw(canvas)
    # "Enedis" capped level with the dial's top tick, the descender of "Gateway"
    # just above the mark's bottom edge.
    for (text, colour), baseline in zip(lines, (0.445, 0.875), strict=True):
        draw.text(
            (big + gap, round(big * baseline)),
            text,
            font=font,
            fill=colour,
            anchor="ls",
        )
    return canvas.crop(canvas.getchannel("A").getbbox())


def _reduce(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale a supersampled drawing down (Pillow resamples RGBA premultiplied)."""
    return image.resize(size, Image.Resampling.LANCZOS)


def render_all() -> dict[str, Image.Image]:
    """Draw every brand file afresh, by name; @2x exactly twice the 1x size."""
    font_path = find_font()
    images: dict[str, Image.Image] = {}
    for prefix, palette in VARIANTS.items():
        mark = draw_mark(MASTER, palette)
        logo = draw_logo(mark, palette, font_path)
        # The logo's width at 1x, from its aspect ratio at the 1x height.
        width = round(logo.width * LOGO_HEIGHT / logo.height)
        for suffix, factor in (("", 1), ("@2x", 2)):
            side = ICON_SIZE * factor
            images[f"{prefix}icon{suffix}.png"] = _reduce(mark, (side, side))
            images[f"{prefix}logo{suffix}.png"] = _reduce(
                logo, (width * factor, LOGO_HEIGHT * factor)
            )
    return images


def software() -> str:
    """
    Name what draws the files, kept in each PNG's Software text chunk.

    Another Pillow can scale and rasterise differently: the test compares pixels
    only under the Pillow that drew the files.
    """
    return f"scripts/brand.py, Pillow {PIL.__version__}"


def main() -> None:
    """Redraw every file in the brand folder."""
    BRAND_DIR.mkdir(exist_ok=True)
    info = PngInfo()
    info.add_text("Software", software())
    for name, image in sorted(render_all().items()):
        path = BRAND_DIR / name
        image.save(path, format="PNG", optimize=True, pnginfo=info)
        print(f"{path.relative_to(ROOT)}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
