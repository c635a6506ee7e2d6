"""Draw the application's icon (调 in white on a red rounded square, as the window's drawn
fallback in ``ui/agenda/today_view.py`` ``app_icon``) into ``resources/icons``:

* ``mediator-desktop.png`` (256×256): the window icon, the Linux menu entry's icon;
* ``mediator-desktop.ico`` (16…256): the Windows executable and installer.

The files are committed; run this again only to change the icon:
``python packaging/make_icons.py`` (needs Pillow, which the app already depends on).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "resources" / "icons"
FONT = REPO / "resources" / "fonts" / "wqy-microhei.ttc"
RED, WHITE = (0xB2, 0x22, 0x22, 255), (255, 255, 255, 255)


def draw(size: int) -> Image.Image:
    scale = 4  # drawn large and shrunk: smooth edges without an antialiasing option
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = big // 32
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big * 3 // 16, fill=RED)
    font = ImageFont.truetype(str(FONT), int(big * 0.66))
    pen.text((big / 2, big / 2), "调", font=font, fill=WHITE, anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(OUT / "mediator-desktop.png", optimize=True)
    sizes = [16, 24, 32, 48, 64, 128, 256]
    draw(256).save(OUT / "mediator-desktop.ico", sizes=[(s, s) for s in sizes])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
