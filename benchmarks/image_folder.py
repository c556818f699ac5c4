"""The cost of `load_image_folder`'s up-front check, per 10,000 images.

    python benchmarks/image_folder.py                       # 10,000 MNIST digits as 28x28 PNGs
    python benchmarks/image_folder.py --kind photos --count 500   # 640x480 JPEGs, resized to 64x64

The check decodes and prepares every file once, with Pillow, on all cores,
before training; the prepared images are then kept in memory, so the
first epoch reads no file. Measured here, in interleaved rounds:
- `check`: `load_image_folder` itself (listing, headers, decoding,
  preparing), the time before the first step;
- `first_epoch`: one pass over the dataset it returns (batches of 128),
  after the check;
- `tf_decode_epoch`: for comparison, what a first epoch costs without any
  check: a tf.data pipeline that reads and decodes the same files with
  `tf.io.decode_image`, resizes them and caches them (what
  `load_image_folder` did before it checked every file).
Reported as seconds per 10,000 images, medians over `--repeats` rounds, and
the check's time as a ratio to the unchecked first epoch.
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
import tensorflow as tf
from PIL import Image

from keras_gan import data


def write_files(folder, kind, count):
    if kind == "mnist":
        try:
            images = data.images_of("mnist", "train", count)
            images = np.round((images[..., 0] + 1) * 127.5).astype(np.uint8)
        except Exception:  # noqa: BLE001 - no MNIST here: digits-sized noise instead
            images = np.random.default_rng(0).integers(0, 256, (count, 28, 28), dtype=np.uint8)
        for i, image in enumerate(images):
            Image.fromarray(image).save(os.path.join(folder, f"{i:05d}.png"))
        return None
    rng = np.random.default_rng(0)
    for i in range(count):
        smooth = tf.image.resize(rng.uniform(0, 255, (1, 60, 80, 3)), (480, 640)).numpy()[0]
        Image.fromarray(smooth.astype(np.uint8)).save(os.path.join(folder, f"{i:05d}.jpg"), quality=90)
    return (64, 64)


def tf_decode_dataset(folder, image_size):
    paths = sorted(os.path.join(folder, f) for f in os.listdir(folder))

    def decode(path):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        if image_size:
            image = tf.cast(tf.image.resize(image, image_size, method="area"), tf.uint8)
        return image

    files = tf.data.Dataset.from_tensor_slices(paths).map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    return files.cache().batch(128).prefetch(tf.data.AUTOTUNE)


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def one_epoch(dataset):
    for _ in dataset:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=("mnist", "photos"), default="mnist")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        image_size = write_files(folder, args.kind, args.count)
        times = {"check": [], "first_epoch": [], "tf_decode_epoch": []}
        one_epoch(tf_decode_dataset(folder, image_size))  # warm the page cache and TF's kernels
        for _ in range(args.repeats):
            checked = []
            times["check"].append(seconds(lambda: checked.append(
                data.load_image_folder(folder, image_size=image_size, batch_size=128, shuffle=False))))
            times["first_epoch"].append(seconds(lambda: one_epoch(checked[0])))
            times["tf_decode_epoch"].append(seconds(lambda: one_epoch(tf_decode_dataset(folder, image_size))))
    per = 10000 / args.count
    print(f"{args.count} {args.kind} files, {args.repeats} interleaved rounds, {os.cpu_count()} CPUs "
          f"(allowed: {len(os.sched_getaffinity(0))})")
    for name, values in times.items():
        print(f"{name:<16} {statistics.median(values) * per:8.2f} s per 10,000 images")
    ratios = [c / t for c, t in zip(times["check"], times["tf_decode_epoch"])]
    print(f"check / unchecked first epoch: {statistics.median(ratios):.2f} (median of rounds)")


if __name__ == "__main__":
    main()
