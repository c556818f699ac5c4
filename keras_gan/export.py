"""SavedModel export of a GAN's generator, loadable without keras_gan."""

import os
import shutil

import keras
import tensorflow as tf


def export_generator(gan, path):
    """Writes the generator of `gan` as a TensorFlow SavedModel at `path`.

    The SavedModel's `serving_default` signature takes `z`, float32
    `(None, latent_dim)`, and returns `{"images": float32 (None, height,
    width, channels)}` in the generator's output range ([-1, 1] for the
    built-in generators), computed in inference mode. It loads with
    `tf.saved_model.load(path)` in a process that never imports keras_gan or
    keras, and serves with TensorFlow Serving.

    The export is written to a temporary directory beside `path` first and
    moved into place only when complete, so an existing export at `path` is
    replaced whole or not at all.

    Args:
        gan: a `keras_gan.GAN`.
        path: str or path-like, the SavedModel directory.

    Returns:
        The path written, as a str.

    Example:
        ```python
        keras_gan.export.export_generator(gan, "run/generator")
        serving = tf.saved_model.load("run/generator").signatures["serving_default"]
        images = serving(z=tf.random.normal((16, 100)))["images"]
        ```
    """
    path = os.fspath(path)
    generator = gan.generator

    def serve(z):
        images = generator(z, training=False)
        return {"images": tf.cast(images, tf.float32)}

    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint(
        name="serving_default",
        fn=serve,
        input_signature=[tf.TensorSpec((None, gan.latent_dim), tf.float32, name="z")],
    )
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
    return path

