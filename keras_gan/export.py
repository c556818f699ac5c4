"""SavedModel export of a GAN's generator, loadable without keras_gan."""

import os
import shutil

import keras
import tensorflow as tf

from keras_gan.validation import first_non_finite_weight
from keras_gan.data import to_uint8


def export_generator(gan, path, ema=True):
    """Writes the generator of `gan` as a TensorFlow SavedModel at `path`.

    Two signatures, both computed in inference mode and returning
    `{"images": float32 (n, height, width, channels) in [-1, 1] (the
    generator's output range), "images_uint8": uint8, same shape, in
    [0, 255]}` (`keras_gan.data.to_uint8` of `images`); for a generator of
    vectors (output `(n, d)`, e.g. points of a 2-D mixture),
    `{"samples": float32 (n, d)}`, unscaled:

    - `serving_default(z)`: z float32 `(n, latent_dim)`, latent vectors.
    - `sample(num_samples, seed)`: int32 scalars; draws `num_samples` latent
      vectors from the GAN's prior with the stateless seed `seed`, so the
      same seed gives the same images, equal to `gan.generate(num_samples,
      seed=seed)`.

    For a `ConditionalGAN`, both signatures also take `labels`, int32
    `(n,)` in [0, num_classes), the class of each image (`sample`: one per
    sample, n = num_samples). Labels out of range, or a `sample` call whose
    label count differs from `num_samples`, fail with InvalidArgumentError.

    The SavedModel loads with `tf.saved_model.load(path)` in a process that
    never imports keras_gan or keras, serves with TensorFlow Serving, and is
    listed by `saved_model_cli show --dir PATH --all`.

    The export is written to a temporary directory beside `path` first and
    moved into place only when complete, so an existing export at `path` is
    replaced whole or not at all.

    Args:
        gan: a `keras_gan.GAN`.
        path: str or path-like, the SavedModel directory.
        ema: bool, default True: export the EMA generator when the GAN
            keeps one (`ema_decay`); False exports the trained G.

    Returns:
        The path written, as a str.

    Raises:
        ValueError: when a weight of the generator to export is NaN or
            infinite (nothing is written).

    Example:
        ```python
        keras_gan.export.export_generator(gan, "run/generator")
        exported = tf.saved_model.load("run/generator")
        images = exported.signatures["serving_default"](
            z=tf.random.normal((16, 100)))["images_uint8"]
        images = exported.signatures["sample"](
            num_samples=tf.constant(16), seed=tf.constant(0))["images"]
        ```
    """
    path = os.fspath(path)
    # An export replaces the one at `path`: never with a diverged generator.
    found = first_non_finite_weight(gan.sampling_generator(ema))
    if found is not None:
        raise ValueError(f"Invalid value for argument `gan`. Expected a generator whose weights are all finite. "
                         f"Received: {found[0]} holds {found[1]} (training diverged); {path} is left as it was")
    if hasattr(gan, "translate"):  # keras_gan.Pix2Pix: images in, images out
        return _export_translator(gan, path, ema)
    conditional = gan.num_classes is not None
    generator = gan.sampling_generator(ema)
    vectors = len(generator.output_shape) == 2

    def outputs(z, labels=None):
        if conditional:
            message = f"Invalid value for input `labels`. Expected class indices in [0, {gan.num_classes})."
            checks = [
                tf.debugging.assert_non_negative(labels, message=message),
                tf.debugging.assert_less(labels, gan.num_classes, message=message),
                tf.debugging.assert_equal(
                    tf.size(labels), tf.shape(z)[0],
                    message="Invalid value for input `labels`. Expected one label per image.",
                ),
            ]
            with tf.control_dependencies(checks):
                labels = tf.identity(labels)
        images = generator(gan.generator_inputs(z, labels), training=False)
        images = tf.cast(images, tf.float32)
        if vectors:
            return {"samples": images}
        return {"images": images, "images_uint8": to_uint8(images)}

    def sample(num_samples, seed, labels=None):
        check = tf.debugging.assert_positive(
            num_samples, message="Invalid value for input `num_samples`. Expected an int >= 1."
        )
        with tf.control_dependencies([check]):
            seed = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
            return outputs(gan.sample_latent(num_samples, seed), labels)

    labels = [tf.TensorSpec((None,), tf.int32, name="labels")] if conditional else []
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        name="serving_default",
        fn=outputs,
        input_signature=[tf.TensorSpec((None, gan.latent_dim), tf.float32, name="z"), *labels],
    )
    archive.add_endpoint(
        name="sample",
        fn=sample,
        input_signature=[
            tf.TensorSpec((), tf.int32, name="num_samples"),
            tf.TensorSpec((), tf.int32, name="seed"),
            *labels,
        ],
    )
    _write_atomically(archive, path)
    return path


def _export_translator(gan, path, ema):
    """A Pix2Pix generator: `serving_default(inputs)`, inputs float32
    `(n, h, w, c_x)` in [-1, 1], to `images` and `images_uint8`."""
    generator = gan.sampling_generator(ema)

    def outputs(inputs):
        images = tf.cast(generator(inputs, training=False), tf.float32)
        return {"images": images, "images_uint8": to_uint8(images)}

    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        name="serving_default",
        fn=outputs,
        input_signature=[tf.TensorSpec((None, *gan.input_image_shape), tf.float32, name="inputs")],
    )
    _write_atomically(archive, path)
    return path


def _write_atomically(archive, path):
    """Writes `archive` to `path.partial`, then swaps it in for `path`."""
    staging = f"{path.rstrip(os.sep)}.partial"
    if os.path.exists(staging):
        shutil.rmtree(staging)
    archive.write_out(staging, verbose=False)
    if os.path.exists(path):
        previous = f"{path.rstrip(os.sep)}.previous"
        os.replace(path, previous)
        os.replace(staging, path)
        shutil.rmtree(previous)
    else:
        os.replace(staging, path)
