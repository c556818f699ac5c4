"""Figures of a GAN run: image grids and loss curves (matplotlib)."""

import csv
import json
import math
import os

import numpy as np


def image_grid(images, num_rows=None, padding=2):
    """Tiles a batch of images into one image, row by row.

    Args:
        images: array `(num_images, height, width, channels)` in [-1, 1].
        num_rows: int or None, rows of the grid; default ceil(sqrt(n)).
        padding: int >= 0, pixels of white between tiles.

    Returns:
        float32 array `(rows * (height + padding) - padding, cols * ...,
        channels)` in [0, 1]. Empty cells are white.
    """
    images = (np.clip(np.asarray(images, np.float32), -1.0, 1.0) + 1.0) / 2.0
    count, height, width, channels = images.shape
    rows = num_rows or math.ceil(math.sqrt(count))
    cols = math.ceil(count / rows)
    grid = np.ones(
        (rows * (height + padding) - padding, cols * (width + padding) - padding, channels),
        np.float32,
    )
    for index, image in enumerate(images):
        top = (index // cols) * (height + padding)
        left = (index % cols) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_image_grid(images, path, num_rows=None, scale=2, row_labels=None):
    """Writes `image_grid(images, num_rows)` as a PNG at `path`.

    Args:
        images: array `(num_images, height, width, channels)` in [-1, 1],
            with 1 (grayscale) or 3 (RGB) channels.
        path: str or path-like, the PNG to write.
        num_rows: int or None, as in `image_grid`.
        scale: int >= 1, each pixel becomes a scale x scale block.
        row_labels: None, or one str per row (e.g. class names), written
            left of the rows; the PNG is then a matplotlib figure with a
            margin, not the bare grid.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    grid = image_grid(images, num_rows)
    grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    # Written beside `path` and renamed: a kill never leaves half a PNG.
    partial = f"{os.fspath(path)}.partial"
    gray = {"cmap": "gray", "vmin": 0.0, "vmax": 1.0} if grid.shape[-1] == 1 else {}
    pixels = grid[..., 0] if grid.shape[-1] == 1 else grid
    if row_labels is None:
        plt.imsave(partial, pixels, format="png", **gray)
    else:
        # Inches: room for the longest label on the left, padding.
        dpi, margin, pad = 100, 0.3 + 0.09 * max(len(str(label)) for label in row_labels), 0.1
        height, width = grid.shape[0] / dpi, grid.shape[1] / dpi
        fig = plt.figure(figsize=(width + margin, height + 2 * pad), dpi=dpi)
        total_width, total_height = width + margin, height + 2 * pad
        axes = fig.add_axes([margin / total_width, pad / total_height, width / total_width, height / total_height])
        axes.imshow(pixels, interpolation="nearest", **gray)
        rows = len(row_labels)
        axes.set_yticks([(i + 0.5) * grid.shape[0] / rows for i in range(rows)], [str(label) for label in row_labels])
        axes.set_xticks([])
        fig.savefig(partial, format="png", dpi=dpi)
        plt.close(fig)
    os.replace(partial, path)


def save_gif(png_paths, path, frame_duration=0.5):
    """Writes the PNGs at `png_paths`, in order, as an animated GIF at `path`.

    Args:
        png_paths: list of str or path-like, the frames; at least one.
        path: str or path-like, the GIF to write (atomically).
        frame_duration: float > 0, seconds per frame. The GIF loops.
    """
    from PIL import Image

    frames = [Image.open(p).convert("RGB") for p in png_paths]
    partial = f"{os.fspath(path)}.partial"
    frames[0].save(
        partial,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=int(round(frame_duration * 1000)),
        loop=0,
    )
    os.replace(partial, path)


def plot_history(csv_path, png_path):
    """Plots the metrics of a `keras.callbacks.CSVLogger` file per epoch.

    Draws d_loss and g_loss (and gradient_penalty when logged) in one
    panel, D's mean outputs in another (d_real and d_fake, probabilities,
    or d_real_score and d_fake_score, raw outputs), with epochs counted
    from 1.

    Args:
        csv_path: the CSV written by `CSVLogger`, with an `epoch` column.
        png_path: the PNG to write.

    Returns:
        dict {metric: (epochs, values)}: the series drawn, read back from
        the figure's lines.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    fig, (loss_axes, prob_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for axes, keys, label in (
        (loss_axes, ("d_loss", "g_loss", "gradient_penalty"), "cost"),
        (prob_axes, ("d_real", "d_fake", "d_real_score", "d_fake_score"), "mean D output"),
    ):
        for key in keys:
            if rows and key in rows[0]:
                axes.plot(epochs, [float(row[key]) for row in rows], marker="o", label=key)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(label)
        axes.legend()
        axes.grid(alpha=0.3)
    if rows and "d_real" in rows[0]:
        prob_axes.set_ylim(0.0, 1.0)  # probabilities; raw scores keep their own range
    fig.tight_layout()
    fig.savefig(png_path)
    drawn = {
        line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
        for axes in (loss_axes, prob_axes)
        for line in axes.get_lines()
    }
    plt.close(fig)
    return drawn


def plot_metrics(jsonl_path, png_path):
    """Plots each metric of a `QualityMetrics` JSONL file against generator updates.

    One panel per metric (e.g. `fcd10k_test`, `kcd10k_test`), the value of
    each evaluation against its step, the lowest marked.

    Args:
        jsonl_path: the file written by `keras_gan.callbacks.QualityMetrics`
            (one JSON object per evaluation, with `step` and `metrics`).
        png_path: the PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with open(jsonl_path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    names = list(records[0]["metrics"]) if records else []
    fig, axes = plt.subplots(1, max(len(names), 1), figsize=(5 * max(len(names), 1), 3.8), squeeze=False)
    for axis, name in zip(axes[0], names):
        steps = [r["step"] for r in records]
        values = [r["metrics"][name] for r in records]
        axis.plot(steps, values, marker="o")
        best = min(range(len(values)), key=values.__getitem__)
        lowest = f"lowest: {values[best]:.3g}"
        axis.plot(steps[best], values[best], marker="*", markersize=14, color="red", label=lowest)
        axis.set_xlabel("generator updates")
        axis.set_ylabel(name)
        axis.legend()
        axis.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png_path)
    plt.close(fig)
