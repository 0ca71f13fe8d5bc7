"""Make the demo's face photos from public-domain portraits that ship inside Python packages.

Run once with the test extras installed (`.venv/bin/python seeds/faces/make_photos.py`); the JPEGs are committed so
that `make run` needs neither package. Sources: scikit-image's `astronaut.png` (NASA, Eileen Collins) and
matplotlib's `grace_hopper.jpg` (US Navy), both public domain; scikit-image's `coffee.png` is the picture with no face.
"""

from pathlib import Path

import matplotlib
import skimage
from PIL import Image

HERE = Path(__file__).resolve().parent
SIDE = 260


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


if __name__ == "__main__":
    main()
