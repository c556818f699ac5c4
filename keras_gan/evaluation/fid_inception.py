"""The Inception-v3 network every published FID uses, as a Keras model.

FID is defined by one network: the Inception-v3 of TensorFlow's 2015-12-05
graph (`inception-2015-12-05.tgz`), used by the original TTUR code, TF-GAN,
pytorch-fid, torch-fidelity, clean-fid and StyleGAN2-ADA. It differs from
`keras.applications.InceptionV3` (whose ImageNet weights give other
features, so other "FID" values): 1008 classes, average pooling that leaves
the padding out of its count in the A, C and first E blocks, and max pooling
in the last block's pool branch (pytorch-fid's `FIDInceptionA`,
`FIDInceptionC`, `FIDInceptionE_1`, `FIDInceptionE_2`). `fid_inception_v3`
builds it layer for layer, named as pytorch-fid's modules are (e.g.
`Mixed_5b.branch1x1.conv`), and gives the 2048 pool features.

Weights: pytorch-fid's port of the 2015 graph,
`pt_inception-2015-12-05-6726825d.pth`, from
https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth
(95.6 MB; the file pytorch-fid caches under `~/.cache/torch/hub/checkpoints`).
Convert it once (torch needed for this step only):

    python -m keras_gan.evaluation.fid_inception pt_inception-2015-12-05-6726825d.pth fid_inception.weights.h5

Nothing here downloads anything.

Input handling (`FIDFeatures`): images in [-1, 1] are first made
uint8-equivalent (rounded to the 256 levels a PNG would store), then resized
to 299x299 by one of `RESIZE_MODES`, scaled to [-1, 1] and fed to the network;
grayscale is repeated to 3 channels.
"""

import argparse
import os

import keras
import numpy as np
import tensorflow as tf

SIZE = 299
FEATURES = 2048
# "legacy_tf": TF 1's ResizeBilinear (align_corners=False, no half-pixel
# centres), the 2015 graph's own resize, as in TTUR's FID, TF-GAN and
# StyleGAN2-ADA. "pytorch_fid": torch's F.interpolate(bilinear,
# align_corners=False) (half-pixel centres), pytorch-fid's. "clean": PIL's
# bicubic on float pixels, clean-fid's "clean" mode (Parmar et al. 2022).
RESIZE_MODES = ("legacy_tf", "pytorch_fid", "clean")


def check_resize(mode):
    """Returns `mode` if it is one of `RESIZE_MODES`, else raises a ValueError."""
    if mode not in RESIZE_MODES:
        raise ValueError(
            f"Invalid value for argument `resize`. Expected one of {RESIZE_MODES}. Received: resize={mode!r}"
        )
    return mode


def check_weights_file(weights, name="weights"):
    """Returns `weights`, the path of a converted weights file, or raises:
    ValueError for None, FileNotFoundError for a path that is not a file
    (both naming the argument `name`)."""
    expected = "the converted FID Inception weights file (python -m keras_gan.evaluation.fid_inception PTH OUT)"
    if weights is None:
        raise ValueError(f"Invalid value for argument `{name}`. Expected {expected}. Received: {name}=None")
    if not os.path.isfile(weights):
        raise FileNotFoundError(
            f"Invalid value for argument `{name}`. Expected a file: {expected}. Received: {name}={weights!r}, "
            "which is not a file"
        )
    return weights


def _conv(x, name, filters, kernel, strides=1, padding="valid"):
    """torchvision's BasicConv2d: convolution without bias, batch norm
    (epsilon 1e-3), ReLU. `padding="same"` for the stride-1 convolutions
    whose symmetric padding keeps the size (odd kernels)."""
    x = keras.layers.Conv2D(filters, kernel, strides, padding, use_bias=False, name=f"{name}.conv")(x)
    x = keras.layers.BatchNormalization(epsilon=1e-3, name=f"{name}.bn")(x)
    return keras.layers.ReLU()(x)


def _average_pool(x):
    # TF's SAME average pooling divides by the count of real pixels in the
    # window (count_include_pad=False), as the 2015 graph does.
    return keras.layers.AveragePooling2D(3, strides=1, padding="same")(x)


def _block_a(x, name, pool_features):
    branch1x1 = _conv(x, f"{name}.branch1x1", 64, 1)
    branch5x5 = _conv(_conv(x, f"{name}.branch5x5_1", 48, 1), f"{name}.branch5x5_2", 64, 5, padding="same")
    branch3x3dbl = _conv(x, f"{name}.branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}.branch3x3dbl_2", 96, 3, padding="same")
    branch3x3dbl = _conv(branch3x3dbl, f"{name}.branch3x3dbl_3", 96, 3, padding="same")
    branch_pool = _conv(_average_pool(x), f"{name}.branch_pool", pool_features, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch5x5, branch3x3dbl, branch_pool])


def _block_b(x, name):
    branch3x3 = _conv(x, f"{name}.branch3x3", 384, 3, strides=2)
    branch3x3dbl = _conv(x, f"{name}.branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}.branch3x3dbl_2", 96, 3, padding="same")
    branch3x3dbl = _conv(branch3x3dbl, f"{name}.branch3x3dbl_3", 96, 3, strides=2)
    branch_pool = keras.layers.MaxPooling2D(3, strides=2)(x)
    return keras.layers.Concatenate(name=name)([branch3x3, branch3x3dbl, branch_pool])


def _block_c(x, name, channels_7x7):
    c7 = channels_7x7
    branch1x1 = _conv(x, f"{name}.branch1x1", 192, 1)
    branch7x7 = _conv(x, f"{name}.branch7x7_1", c7, 1)
    branch7x7 = _conv(branch7x7, f"{name}.branch7x7_2", c7, (1, 7), padding="same")
    branch7x7 = _conv(branch7x7, f"{name}.branch7x7_3", 192, (7, 1), padding="same")
    branch7x7dbl = _conv(x, f"{name}.branch7x7dbl_1", c7, 1)
    for i, (kernel, filters) in enumerate((((7, 1), c7), ((1, 7), c7), ((7, 1), c7), ((1, 7), 192)), start=2):
        branch7x7dbl = _conv(branch7x7dbl, f"{name}.branch7x7dbl_{i}", filters, kernel, padding="same")
    branch_pool = _conv(_average_pool(x), f"{name}.branch_pool", 192, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch7x7, branch7x7dbl, branch_pool])


def _block_d(x, name):
    branch3x3 = _conv(_conv(x, f"{name}.branch3x3_1", 192, 1), f"{name}.branch3x3_2", 320, 3, strides=2)
    branch7x7x3 = _conv(x, f"{name}.branch7x7x3_1", 192, 1)
    branch7x7x3 = _conv(branch7x7x3, f"{name}.branch7x7x3_2", 192, (1, 7), padding="same")
    branch7x7x3 = _conv(branch7x7x3, f"{name}.branch7x7x3_3", 192, (7, 1), padding="same")
    branch7x7x3 = _conv(branch7x7x3, f"{name}.branch7x7x3_4", 192, 3, strides=2)
    branch_pool = keras.layers.MaxPooling2D(3, strides=2)(x)
    return keras.layers.Concatenate(name=name)([branch3x3, branch7x7x3, branch_pool])


def _block_e(x, name, max_pool):
    """E blocks; the last (`max_pool`) pools by max in its pool branch."""
    branch1x1 = _conv(x, f"{name}.branch1x1", 320, 1)
    branch3x3 = _conv(x, f"{name}.branch3x3_1", 384, 1)
    branch3x3 = keras.layers.Concatenate()([
        _conv(branch3x3, f"{name}.branch3x3_2a", 384, (1, 3), padding="same"),
        _conv(branch3x3, f"{name}.branch3x3_2b", 384, (3, 1), padding="same"),
    ])
    branch3x3dbl = _conv(x, f"{name}.branch3x3dbl_1", 448, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}.branch3x3dbl_2", 384, 3, padding="same")
    branch3x3dbl = keras.layers.Concatenate()([
        _conv(branch3x3dbl, f"{name}.branch3x3dbl_3a", 384, (1, 3), padding="same"),
        _conv(branch3x3dbl, f"{name}.branch3x3dbl_3b", 384, (3, 1), padding="same"),
    ])
    pooled = keras.layers.MaxPooling2D(3, strides=1, padding="same")(x) if max_pool else _average_pool(x)
    branch_pool = _conv(pooled, f"{name}.branch_pool", 192, 1)
    return keras.layers.Concatenate(name=name)([branch1x1, branch3x3, branch3x3dbl, branch_pool])


def fid_inception_v3(weights=None):
    """The FID Inception-v3, from 299x299 images to the 2048 pool features.

    Args:
        weights: path of a `.weights.h5` file converted from pytorch-fid's
            `pt_inception-2015-12-05-6726825d.pth` (see the module's
            docstring), or None for the Keras initialisation (tests only:
            such features mean nothing).

    Returns:
        A functional `keras.Model` from float32 `(batch, 299, 299, 3)` in
        [-1, 1] to float32 `(batch, 2048)`, the average-pooled output of
        Mixed_7c (pytorch-fid's block 3).

    Raises:
        FileNotFoundError: if `weights` is given and is not a file.
    """
    if weights is not None:
        check_weights_file(weights)
    images = keras.Input((SIZE, SIZE, 3), name="images")
    x = _conv(images, "Conv2d_1a_3x3", 32, 3, strides=2)
    x = _conv(x, "Conv2d_2a_3x3", 32, 3)
    x = _conv(x, "Conv2d_2b_3x3", 64, 3, padding="same")
    x = keras.layers.MaxPooling2D(3, strides=2)(x)
    x = _conv(x, "Conv2d_3b_1x1", 80, 1)
    x = _conv(x, "Conv2d_4a_3x3", 192, 3)
    x = keras.layers.MaxPooling2D(3, strides=2)(x)
    for name, pool_features in (("Mixed_5b", 32), ("Mixed_5c", 64), ("Mixed_5d", 64)):
        x = _block_a(x, name, pool_features)
    x = _block_b(x, "Mixed_6a")
    for name, channels_7x7 in (("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)):
        x = _block_c(x, name, channels_7x7)
    x = _block_d(x, "Mixed_7a")
    x = _block_e(x, "Mixed_7b", max_pool=False)
    x = _block_e(x, "Mixed_7c", max_pool=True)
    features = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    model = keras.Model(images, features, name="fid_inception_v3")
    if weights is not None:
        model.load_weights(weights)
    return model


def resize(images, mode="legacy_tf"):
    """Resizes uint8-valued images to 299x299 as the chosen FID protocol does.

    Args:
        images: float array or tensor `(batch, height, width, channels)` of
            pixel values in [0, 255].
        mode: one of `RESIZE_MODES`.

    Returns:
        float32 `(batch, 299, 299, channels)` in [0, 255] (a NumPy array
        for "clean", a tensor otherwise).

    Raises:
        ValueError: for another `mode`.
    """
    if mode == "legacy_tf":
        return tf.compat.v1.image.resize_bilinear(
            tf.cast(images, tf.float32), (SIZE, SIZE), align_corners=False, half_pixel_centers=False
        )
    if mode == "pytorch_fid":
        return tf.image.resize(tf.cast(images, tf.float32), (SIZE, SIZE), method="bilinear", antialias=False)
    if mode == "clean":
        from PIL import Image

        images = np.asarray(images, np.float32)
        channels = [
            [np.asarray(Image.fromarray(image[..., c], mode="F").resize((SIZE, SIZE), Image.BICUBIC)) for c in
             range(images.shape[-1])]
            for image in images
        ]
        return np.clip(np.stack([np.stack(c, axis=-1) for c in channels]), 0, 255)
    check_resize(mode)  # raises: none of the modes above


class FIDFeatures:
    """The FID protocol's features of images in keras_gan's [-1, 1] range.

    Calling it on float images `(batch, height, width, channels)` in
    [-1, 1], grayscale or RGB, any size: rounds them to uint8 levels
    (`quantize`), resizes to 299x299 (`resize`), scales to [-1, 1], repeats
    grayscale to RGB, and returns the network's float32 `(batch, 2048)`.

    Args:
        weights: as `fid_inception_v3` (a converted weights file; None only
            for tests).
        resize: one of `RESIZE_MODES`; default "legacy_tf".
        quantize: bool, default True: round to the 256 levels of uint8
            first, as every FID reference computes from image files.

    Raises:
        ValueError: for an unknown `resize`.
        FileNotFoundError: if `weights` is not a file.
    """

    dimension = FEATURES

    def __init__(self, weights, resize="legacy_tf", quantize=True):
        self.resize_mode = check_resize(resize)
        self.network = fid_inception_v3(weights)
        self.quantize = quantize

    def __call__(self, images, training=False):
        pixels = (np.asarray(images, np.float32) + 1.0) * 127.5
        if self.quantize:
            pixels = np.clip(np.round(pixels), 0, 255)
        pixels = resize(pixels, self.resize_mode)
        x = tf.convert_to_tensor(pixels, tf.float32) / 127.5 - 1.0
        if x.shape[-1] == 1:
            x = tf.repeat(x, 3, axis=-1)
        return self.network(x, training=False)


def convert_pytorch_fid_weights(pth_path, output_path):
    """Writes pytorch-fid's FID Inception weights as a Keras weights file.

    Args:
        pth_path: path of `pt_inception-2015-12-05-6726825d.pth` (a torch
            state dict; needs torch, which keras_gan does not depend on).
        output_path: path ending in `.weights.h5`.

    Returns:
        The `fid_inception_v3` model holding the weights.

    Raises:
        ImportError: without torch.
        ValueError: if the file lacks a weight the network needs, or a
            shape differs.
    """
    import torch

    state = torch.load(pth_path, map_location="cpu", weights_only=True)
    model = fid_inception_v3()
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            # torch (out, in, h, w) -> Keras (h, w, in, out).
            values = [_tensor(state, f"{layer.name}.weight").transpose(2, 3, 1, 0)]
        elif isinstance(layer, keras.layers.BatchNormalization):
            keys = ("weight", "bias", "running_mean", "running_var")
            values = [_tensor(state, f"{layer.name}.{key}") for key in keys]
        else:
            continue
        expected = [tuple(w.shape) for w in layer.get_weights()]
        if [v.shape for v in values] != expected:
            raise ValueError(f"Invalid weights file {pth_path}: {layer.name} has shapes "
                             f"{[v.shape for v in values]}, expected {expected}")
        layer.set_weights(values)
    model.save_weights(output_path)
    return model


def _tensor(state, key):
    if key not in state:
        raise ValueError(f"Invalid weights file: no `{key}` (is it pytorch-fid's FID Inception state dict?)")
    return state[key].detach().cpu().numpy().astype(np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert pytorch-fid's FID Inception weights to a Keras file.")
    parser.add_argument("pth", help="pt_inception-2015-12-05-6726825d.pth")
    parser.add_argument("output", help="output path, ending in .weights.h5")
    args = parser.parse_args(argv)
    convert_pytorch_fid_weights(args.pth, args.output)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()
