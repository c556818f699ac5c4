"""SavedModel export of a GAN's generator, loadable without keras_gan."""

import os
import shutil

import keras
import tensorflow as tf

from keras_gan.validation import first_non_finite_weight
from keras_gan.data import to_uint8


WEIGHTS_DTYPES = ("float32", "float16")


def export_generator(gan, path, ema=True, weights_dtype="float32"):
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

    The SavedModel holds one copy of the generator's weights (Keras's
    `ExportArchive.track` would store a second). With `weights_dtype=
    "float16"` they are stored in half precision, half the size; each call
    casts them back to the generator's own variable dtype, so the
    computation is unchanged but runs on weights rounded to float16 (a
    relative error of at most 2**-11 per weight). Integer state, such as a
    seed generator's, is stored as it is.

    The export is written to a temporary directory beside `path` first and
    moved into place only when complete, so an existing export at `path` is
    replaced whole or not at all.

    Args:
        gan: a `keras_gan.GAN`.
        path: str or path-like, the SavedModel directory.
        ema: bool, default True: export the EMA generator when the GAN
            keeps one (`ema_decay`); False exports the trained G.
        weights_dtype: "float32" (default) or "float16", the dtype the
            floating-point weights are stored in.

    Returns:
        The path written, as a str.

    Raises:
        ValueError: when a weight of the generator to export is NaN or
            infinite, or for another `weights_dtype` (nothing is written).

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
    if weights_dtype not in WEIGHTS_DTYPES:
        raise ValueError(f"Invalid value for argument `weights_dtype`. Expected one of {WEIGHTS_DTYPES}. "
                         f"Received: weights_dtype={weights_dtype!r}")
    # An export replaces the one at `path`: never with a diverged generator.
    found = first_non_finite_weight(gan.sampling_generator(ema))
    if found is not None:
        raise ValueError(f"Invalid value for argument `gan`. Expected a generator whose weights are all finite. "
                         f"Received: {found[0]} holds {found[1]} (training diverged); {path} is left as it was")
    if hasattr(gan, "translate"):  # keras_gan.Pix2Pix: images in, images out
        return _export_translator(gan, path, ema, weights_dtype)
    conditional = gan.num_classes is not None
    generator = gan.sampling_generator(ema)
    call = _StoredWeightsCall(generator, weights_dtype)
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
        images = tf.cast(call(gan.generator_inputs(z, labels)), tf.float32)
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
    # No `archive.track(generator)`: the endpoints capture the stored
    # weights, and ExportArchive saves what they capture, once.
    archive = keras.export.ExportArchive()
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


def _export_translator(gan, path, ema, weights_dtype):
    """A Pix2Pix generator: `serving_default(inputs)`, inputs float32
    `(n, h, w, c_x)` in [-1, 1], to `images` and `images_uint8`."""
    call = _StoredWeightsCall(gan.sampling_generator(ema), weights_dtype)

    def outputs(inputs):
        images = tf.cast(call(inputs), tf.float32)
        return {"images": images, "images_uint8": to_uint8(images)}

    archive = keras.export.ExportArchive()
    archive.add_endpoint(
        name="serving_default",
        fn=outputs,
        input_signature=[tf.TensorSpec((None, *gan.input_image_shape), tf.float32, name="inputs")],
    )
    _write_atomically(archive, path)
    return path


class _StoredWeightsCall:
    """Calls `model` in inference mode on copies of its weights: floating
    ones stored as `weights_dtype` and cast back to the variable's dtype at
    each call, others (integer state) as they are. The copies are the only
    variables a function using this call captures (`Layer.stateless_call`
    reads no variable of the model)."""

    def __init__(self, model, weights_dtype):
        self.model = model

        def stored(variable):
            dtype = weights_dtype if keras.backend.is_float_dtype(variable.dtype) else variable.dtype
            return tf.Variable(tf.cast(variable.value, dtype), trainable=False)

        self.trainable = [stored(v) for v in model.trainable_variables]
        self.non_trainable = [stored(v) for v in model.non_trainable_variables]

    def __call__(self, inputs):
        def restored(copies, variables):
            return [tf.cast(copy, variable.dtype) for copy, variable in zip(copies, variables, strict=True)]

        outputs, _ = self.model.stateless_call(
            restored(self.trainable, self.model.trainable_variables),
            restored(self.non_trainable, self.model.non_trainable_variables),
            inputs,
            training=False,
        )
        return outputs


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
