"""Write a TFDS image split as PNG files in one folder per class.

    python experiments/tfds_to_folder.py mnist --split test --output runs/mnist_test_png

gives runs/mnist_test_png/0/00003.png, ..., runs/mnist_test_png/9/09999.png
(the example's index in the split), a folder that `train.py --dataset
runs/mnist_test_png --conditional` trains on. No download: TFDS reads the
prepared dataset from TFDS_DATA_DIR (or --data-dir).
"""

import argparse
import os

import numpy as np
import tensorflow_datasets as tfds
from PIL import Image


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", help="TFDS name with `image` and `label` features, e.g. mnist")
    parser.add_argument("--split", default="test")
    parser.add_argument("--output", required=True, help="the folder to write (must not exist)")
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    if os.path.exists(args.output):
        parser.error(f"--output {args.output} exists; choose a new folder")
    builder = tfds.builder(args.dataset, data_dir=args.data_dir)
    names = builder.info.features["label"].names
    partial = f"{args.output}.partial"
    for name in names:
        os.makedirs(os.path.join(partial, name), exist_ok=True)
    split = builder.as_dataset(split=args.split, shuffle_files=False)
    for index, example in enumerate(tfds.as_numpy(split)):
        image = np.squeeze(example["image"], axis=-1) if example["image"].shape[-1] == 1 else example["image"]
        Image.fromarray(image).save(os.path.join(partial, names[example["label"]], f"{index:05d}.png"))
    os.replace(partial, args.output)
    print(f"Wrote {index + 1} images in {len(names)} class folders to {args.output}")


if __name__ == "__main__":
    main()
