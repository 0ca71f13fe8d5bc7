"""Make the demo's face photos from public-domain portraits that ship inside Python packages.

Run once with the test extras installed (`.venv/bin/python seeds/faces/make_photos.py`); the JPEGs are committed so
that `make run` needs neither package. Sources: scikit-image's `astronaut.png` (NASA, Eileen Collins) and
matplotlib's `grace_hopper.jpg` (US Navy), both public domain; scikit-image's `coffee.png` is the picture with no face.
"""

from pathlib import Path

import matplotlib
import skimage
from PIL import Image, ImageEnhance, ImageFilter

HERE = Path(__file__).resolve().parent
SIDE = 260
CHIP = (102, 126)  # an ID card chip's photo


def chip_photo(portrait: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """A portrait as a card chip holds it: head and shoulders at 102 x 126, softer and flatter, as an older card's."""
    small = portrait.crop(box).resize(CHIP, Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(0.6))
    return ImageEnhance.Contrast(ImageEnhance.Color(small).enhance(0.7)).enhance(0.8)


def main() -> None:
    data = Path(skimage.__file__).parent / "data"
    astronaut = Image.open(data / "astronaut.png").convert("RGB").crop((100, 10, 360, 270))
    hopper = Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").convert("RGB")
    hopper = hopper.crop((60, 40, 480, 460)).resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    coffee = Image.open(data / "coffee.png").convert("RGB").crop((100, 0, 500, 400))
    coffee = coffee.resize((SIDE, SIDE), Image.Resampling.LANCZOS)
    together = Image.new("RGB", (2 * SIDE, SIDE))
    together.paste(astronaut, (0, 0))
    together.paste(hopper, (SIDE, 0))
    for name, picture in [("astronaut", astronaut), ("hopper", hopper), ("coffee", coffee), ("two-people", together)]:
        picture.save(HERE / f"{name}.jpg", "JPEG", quality=85, optimize=True)
    # The demo cards' chip photos, cut wider than the faces above (a chip photo shows the shoulders too).
    (HERE / "chips").mkdir(exist_ok=True)
    full_hopper = Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg").convert("RGB")
    chips = {
        "astronaut": chip_photo(Image.open(data / "astronaut.png").convert("RGB"), (95, 0, 375, 345)),
        "hopper": chip_photo(full_hopper, (40, 0, 500, 568)),
    }
    for name, picture in chips.items():
        picture.save(HERE / "chips" / f"{name}.jpg", "JPEG", quality=60, optimize=True)


if __name__ == "__main__":
    main()
