"""Product photos: `gage build` publishes resized variants (WebP and the source's format) made with libvips,
with `srcset`, sizes and lazy loading in the pages, cached by content across builds. The outputs are read back
with Pillow, an independent decoder."""
import json
import os
import random
import re
import shutil
import subprocess

import pytest

from conftest import run

Image = pytest.importorskip("PIL.Image", reason="Pillow: scripts/setup")

PRODUCT = "content/products/ethiopia-yirgacheffe"


def phone_photo(path, width=4032, height=3024, orientation=None, gps=False):
    """A photo the size a phone takes, with detail at every scale as a real one has (so its variants weigh what a
    real photo's do: about 80 KB at 960 px in WebP): random noise at five scales, enlarged and blended."""
    def octave(columns, seed):
        rows = max(1, columns * height // width)
        noise = random.Random(seed).randbytes(columns * rows * 3)
        return Image.frombytes("RGB", (columns, rows), noise).resize((width, height), Image.BICUBIC)
    photo = octave(8, 1)
    for seed, (columns, weight) in enumerate([(32, 0.45), (128, 0.3), (512, 0.15), (width // 2, 0.1)], start=2):
        photo = Image.blend(photo, octave(columns, seed), weight)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 33.0, 58.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    photo.save(path, "JPEG", quality=92, exif=exif)
    return path


def use_images(shop, images):
    index = shop / PRODUCT / "index.md"
    text = re.sub(r"^images: .*$", "images: [" + ", ".join(images) + "]", index.read_text(), flags=re.M)
    index.write_text(text)


def build(gage, shop, tmp_path):
    out = tmp_path / "public"
    result = run(gage, "build", "--source", shop, "--output", out,
                 env={**os.environ, "GAGE_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    return out


def variants(folder, stem):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(stem + "-"))


def test_phone_photo_is_published_as_480_960_1600_wide_webp_and_jpeg(gage, example_shop, tmp_path):
    phone_photo(example_shop / PRODUCT / "beans.jpg", gps=True)
    use_images(example_shop, ["beans.jpg"])
    out = build(gage, example_shop, tmp_path)
    folder = out / "products" / "ethiopia-yirgacheffe"
    names = variants(folder, "beans")
    assert len(names) == 6, names
    for name in names:
        width, digest, extension = re.fullmatch(r"beans-(\d+)w\.([0-9a-f]{16})\.(webp|jpg)", name).groups()
        with Image.open(folder / name) as image:
            assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[extension]
            assert image.size == (int(width), int(width) * 3 // 4)
            assert not image.getexif().get(0x8825), "the camera's GPS position must not be published"
    assert {re.match(r"beans-(\d+)w", n).group(1) for n in names} == {"480", "960", "1600"}
    # The 5 MB original (with its metadata) is not published; pages link only the variants.
    assert not (folder / "beans.jpg").exists()
    assert sum((folder / n).stat().st_size for n in names if n.startswith("beans-960w")) < 400_000


def test_product_page_offers_srcset_sizes_and_dimensions(gage, example_shop, tmp_path):
    phone_photo(example_shop / PRODUCT / "beans.jpg")
    phone_photo(example_shop / PRODUCT / "cup.jpg", 1200, 1600)
    use_images(example_shop, ["beans.jpg", "cup.jpg"])
    out = build(gage, example_shop, tmp_path)
    html = (out / "products" / "ethiopia-yirgacheffe" / "index.html").read_text()
    pictures = re.findall(r"<picture>.*?</picture>", html)
    assert len(pictures) == 2
    first, second = pictures
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="([^"]+)">', first)
    assert webp and webp.group(2).endswith("calc(100vw - 32px)")
    assert [c.split()[1] for c in webp.group(1).split(", ")] == ["480w", "960w", "1600w"]
    img = re.search(r"<img [^>]+>", first).group(0)
    assert re.search(r'src="/products/ethiopia-yirgacheffe/beans-960w\.[0-9a-f]{16}\.jpg"', img)
    assert 'width="960" height="720"' in img and "loading=" not in img  # the first photo is not lazy
    # A portrait photo narrower than 1600 px: its own width is the largest, never enlarged.
    assert 'loading="lazy"' in second and 'width="960" height="1280"' in second
    assert re.search(r"cup-1200w\.[0-9a-f]{16}\.webp 1200w\"", second) and "1600w" not in second
    # Every file a page names exists.
    for url in re.findall(r"/products/ethiopia-yirgacheffe/[^\s\"]+\.(?:webp|jpg)", html):
        assert (out / url.lstrip("/")).exists(), url


def test_share_image_and_structured_data_point_at_a_jpeg_variant(gage, example_shop, tmp_path):
    phone_photo(example_shop / PRODUCT / "beans.jpg")
    use_images(example_shop, ["beans.jpg"])
    out = build(gage, example_shop, tmp_path)
    html = (out / "products" / "ethiopia-yirgacheffe" / "index.html").read_text()
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert re.fullmatch(r"https://onggi-roastery\.example\.kr/products/ethiopia-yirgacheffe/beans-1600w\.[0-9a-f]{16}\.jpg", og)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert ld["image"] == [og]
    card = re.search(r'<li class="card[^"]*">\s*<a href="/products/ethiopia-yirgacheffe/">.*?</li>',
                     (out / "index.html").read_text(), re.S).group(0)
    assert "beans-480w." in card and 'type="image/webp"' in card and 'loading="eager"' in card


def test_small_png_is_not_enlarged_and_stays_png(gage, example_shop, tmp_path):
    Image.new("RGBA", (300, 200), (200, 30, 40, 128)).save(example_shop / PRODUCT / "logo.png")
    use_images(example_shop, ["logo.png"])
    out = build(gage, example_shop, tmp_path)
    names = variants(out / "products" / "ethiopia-yirgacheffe", "logo")
    assert [n.split(".")[0] + "." + n.split(".")[-1] for n in names] == ["logo-300w.png", "logo-300w.webp"]
    with Image.open(out / "products" / "ethiopia-yirgacheffe" / names[0]) as image:
        assert image.size == (300, 200) and image.mode == "RGBA"  # transparency kept


@pytest.mark.skipif(not shutil.which("vips"), reason="libvips-tools: scripts/setup")
def test_an_iphone_heic_photo_is_published_as_webp_and_jpeg(gage, example_shop, tmp_path):
    jpeg = phone_photo(tmp_path / "camera.jpg", 1200, 900)
    subprocess.run(["vips", "copy", str(jpeg), str(example_shop / PRODUCT / "IMG_0001.HEIC")], check=True)
    use_images(example_shop, ["IMG_0001.HEIC"])
    out = build(gage, example_shop, tmp_path)
    folder = out / "products" / "ethiopia-yirgacheffe"
    names = variants(folder, "IMG_0001")
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["jpg"] * 3 + ["webp"] * 3, names
    assert not (folder / "IMG_0001.HEIC").exists()  # browsers other than Safari cannot show it
    html = (folder / "index.html").read_text()
    assert re.search(r'<img src="/products/ethiopia-yirgacheffe/IMG_0001-960w\.[0-9a-f]{16}\.jpg"', html)


def test_sideways_phone_photo_is_turned_upright(gage, example_shop, tmp_path):
    phone_photo(example_shop / PRODUCT / "beans.jpg", 800, 600, orientation=6)  # "rotate 90° clockwise to view"
    use_images(example_shop, ["beans.jpg"])
    out = build(gage, example_shop, tmp_path)
    folder = out / "products" / "ethiopia-yirgacheffe"
    largest = [n for n in variants(folder, "beans") if n.startswith("beans-600w") and n.endswith(".jpg")]
    assert largest, variants(folder, "beans")
    with Image.open(folder / largest[0]) as image:
        assert image.size == (600, 800)
        assert image.getexif().get(0x0112) in (None, 1)


@pytest.mark.parametrize("content", [b"not a photo at all\n", "truncated"])
def test_broken_photo_is_an_error_at_the_images_line(gage, example_shop, tmp_path, content):
    photo = example_shop / PRODUCT / "beans.jpg"
    if content == "truncated":
        phone_photo(photo, 800, 600)
        photo.write_bytes(photo.read_bytes()[:20_000])
    else:
        photo.write_bytes(content)
    use_images(example_shop, ["beans.jpg"])
    out = tmp_path / "public"
    result = run(gage, "build", "--source", example_shop, "--output", out,
                 env={**os.environ, "GAGE_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 1
    line = next(n for n, text in enumerate((example_shop / PRODUCT / "index.md").read_text().splitlines(), 1)
                if text.startswith("images:"))
    assert f"error: {PRODUCT}/index.md:{line}: image '{PRODUCT}/beans.jpg'" in result.stderr
    assert "nothing was written" in result.stderr and not out.exists()
    assert str(tmp_path) not in result.stderr.replace(str(example_shop), "")


def test_unchanged_photos_are_reused_and_a_changed_one_gets_new_addresses(gage, example_shop, tmp_path):
    photo = phone_photo(example_shop / PRODUCT / "beans.jpg", 2000, 1500)
    os.utime(photo, (1_700_000_000, 1_700_000_000))
    use_images(example_shop, ["beans.jpg"])
    out = build(gage, example_shop, tmp_path)
    folder = out / "products" / "ethiopia-yirgacheffe"
    first = {n: (folder / n).stat().st_mtime_ns for n in variants(folder, "beans")}
    cached = sorted(p for p in (tmp_path / "cache" / "photos").rglob("*.webp"))
    times = [p.stat().st_mtime_ns for p in cached]
    out = build(gage, example_shop, tmp_path)
    assert {n: (folder / n).stat().st_mtime_ns for n in variants(folder, "beans")} == first
    assert [p.stat().st_mtime_ns for p in cached] == times  # not made again

    Image.new("RGB", (2000, 1500), (10, 120, 60)).save(photo, "JPEG")
    out = build(gage, example_shop, tmp_path)
    now = variants(folder, "beans")
    assert len(now) == 6 and not set(now) & set(first)  # new bytes, new names; the old ones are gone
    page = (folder / "index.html").read_text()
    assert all(name in page for name in now if "1600w" not in name)


def test_static_photo_shared_by_two_products_is_made_once(gage, example_shop, tmp_path):
    phone_photo(example_shop / "static" / "images" / "shared.jpg", 1000, 1000)
    for name in ("hojicha", "chamomile"):
        product = example_shop / "content" / "products" / f"{name}.md"
        product.write_text(re.sub(r"^images: .*$", "images: [/images/shared.jpg]", product.read_text(), flags=re.M))
    out = build(gage, example_shop, tmp_path)
    assert len(variants(out / "images", "shared")) == 6  # 480, 960, 1000 in WebP and JPEG
    assert (out / "images" / "shared.jpg").exists()  # static/ is still copied as it is
    made = [json.loads(p.read_text()) for p in (tmp_path / "cache" / "photos").glob("*/*/photo.json")]
    assert len([photo for photo in made if photo["variants"]]) == 1
    for name in ("hojicha", "chamomile"):
        assert re.search(r'srcset="/images/shared-480w\.[0-9a-f]{16}\.webp 480w',
                         (out / "products" / name / "index.html").read_text())
