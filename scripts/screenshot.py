"""Render the seed article's page and photograph it in headless Chromium.

    python scripts/screenshot.py [--chromium /usr/bin/chromium] [--height 3000]

Writes docs/seed.html (the page `ru-news render` would write), docs/img/seed.png (the
screenshot README.md shows) and docs/img/seed_graph.png (the seed's relation graph). Needs
Debian's `chromium` package (apt-get install chromium). The PNGs are reduced to a 256-colour
palette when Pillow is installed, to keep them small.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "seed_tokayev_rahmon.txt"
PAGE = REPO / "docs" / "seed.html"
IMAGE = REPO / "docs" / "img" / "seed.png"
GRAPH = REPO / "docs" / "img" / "seed_graph.png"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def screenshot(page: Path, image: Path, chromium: str, width: int, height: int) -> None:
    """One headless Chromium run with a throwaway profile; raises if no image was written."""
    image.parent.mkdir(parents=True, exist_ok=True)
    image.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ru-news-chromium-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={image}",
            f"--window-size={width},{height}",
            page.resolve().as_uri(),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not image.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {image}")


def shrink(image: Path) -> None:
    """A 256-colour palette PNG: the page is flat colours and text, so nothing visible is lost."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(image) as picture:
        small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(image, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=3000)
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from pipeline.display import draw_graph, relation_graph, write_page
    from pipeline.engine import load_nlp
    from pipeline.io import read_text

    doc = load_nlp()(read_text(SEED).text)
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    write_page(doc, PAGE, title=SEED.name)
    screenshot(PAGE, IMAGE, args.chromium, args.width, args.height)
    draw_graph(relation_graph(doc)).figure.savefig(GRAPH, dpi=90)
    for image in (IMAGE, GRAPH):
        shrink(image)
        print(f"{image.relative_to(REPO)} ({image.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
