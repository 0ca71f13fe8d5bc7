"""Make the demo's prepared camera sequences for the card-and-face step (seeds/faces/turns/), from the same
public-domain portraits as make_photos.py.

Run once from the project folder with the test extras installed (`.venv/bin/python seeds/faces/make_turns.py`);
the JPEGs are committed. For each person: looking at the camera, then a real head turned a little each way
(rendered from a 3-D head model, tests/support/heads.py). For each person's printed photo (PERSON-photo): the same
frontal
frame as a flat print, held up, then turned and tilted each way as someone would to imitate a head turn.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from tests.support import heads  # noqa: E402

YAWS = {"look": [0], "left": [15, 22], "right": [-15, -22]}  # degrees; + is the person's own left
PHOTO = {"look": [(90, 0, 0)], "left": [(90, 30, 0), (90, 45, 0), (45, 35, 10)], "right": [(90, -30, 0), (90, -45, 0), (135, -35, -10)]}  # fmt: skip


def save(picture, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    picture.save(folder / f"{name}.jpg", "JPEG", quality=85, optimize=True)


def main() -> None:
    for name, person in heads.subjects().items():
        for step, yaws in YAWS.items():
            for n, yaw in enumerate(yaws, 1):
                save(heads.render(person, yaw), HERE / "turns" / name, f"{step}-{n}")
        still = heads.Image.fromarray(person.image.astype("uint8"))
        for step, moves in PHOTO.items():
            for n, (axis, tilt, roll) in enumerate(moves, 1):
                picture = heads.attack(still, tilt_axis_deg=axis, tilt_deg=tilt, roll_deg=roll)
                save(picture, HERE / "turns" / f"{name}-photo", f"{step}-{n}")


if __name__ == "__main__":
    main()
