"""The project's MNIST classifier: trained once per machine, then cached."""

import contextlib
import fcntl
import json
import os

import keras

MIN_TEST_ACCURACY = 0.99
CACHE_FILE = "mnist_classifier.keras"


def default_cache_dir():
    """`$KERAS_HOME/keras_gan`, else `~/.keras/keras_gan` (Keras's own rule)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "keras_gan")


def build_mnist_classifier():
    """A small CNN from images `(batch, 28, 28, 1)` in [-1, 1] to 10 logits.

    Two blocks of two 3x3 convolutions with batch normalization and 2x2
    max pooling (16 then 32 channels), a dense layer of 128 and dropout.
    """
    layers = [keras.Input((28, 28, 1))]
    for channels in (16, 32):
        for _ in range(2):
            layers += [
                keras.layers.Conv2D(channels, 3, padding="same", use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
            ]
        layers.append(keras.layers.MaxPooling2D())
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, name="logits"),
    ]
    return keras.Sequential(layers, name="mnist_classifier")


def train_mnist_classifier(data_dir=None, epochs=4, seed=0):
    """Trains `build_mnist_classifier` on MNIST's train split: Adam with a
    cosine decay of the learning rate from 1e-3 to 0, batches of 128.

    Returns:
        (model, test_accuracy), the accuracy on the 10,000 test images.
    """
    from keras_gan import data

    def split(name, batch_size, shuffle):
        return data.load_tfds(
            "mnist", split=name, batch_size=batch_size, shuffle=shuffle, seed=seed,
            data_dir=data_dir, download=False, label_key="label",
        )

    train = split("train", 128, True)
    model = build_mnist_classifier()
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, epochs * int(train.cardinality()))
    model.compile(
        keras.optimizers.Adam(schedule),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(train, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(split("test", 250, False), verbose=0)
    return model, float(accuracy)


def mnist_classifier(cache_dir=None, data_dir=None):
    """The MNIST classifier: loaded from the cache, or trained and cached.

    Trained on MNIST's train split (about 2 minutes on two CPU cores) the
    first time on a machine, then loaded from
    `cache_dir/mnist_classifier.keras`, with its test accuracy in
    `mnist_classifier.json` beside it.

    Args:
        cache_dir: str or None; default `$KERAS_HOME/keras_gan` or
            `~/.keras/keras_gan`.
        data_dir: TFDS data directory holding MNIST, as in
            `keras_gan.data.load_tfds` (never downloads).

    Returns:
        A `keras.Model` from images, float32 `(batch, 28, 28, 1)` in [-1, 1],
        to logits `(batch, 10)`. Its `test_accuracy` attribute holds the
        accuracy on MNIST's 10,000 test images, at least 0.99.

    Raises:
        FileNotFoundError: if MNIST is not prepared in `data_dir`.
        RuntimeError: if training reaches less than 99 % test accuracy
            (nothing is cached then).
    """
    cache_dir = cache_dir or default_cache_dir()
    path = os.path.join(cache_dir, CACHE_FILE)
    report = os.path.join(cache_dir, "mnist_classifier.json")

    def cached():
        if not (os.path.exists(path) and os.path.exists(report)):
            return None
        model = keras.saving.load_model(path)
        with open(report) as f:
            model.test_accuracy = json.load(f)["test_accuracy"]
        return model

    model = cached()
    if model is not None:
        return model
    os.makedirs(cache_dir, exist_ok=True)
    # One process trains; others (two runs, pytest-xdist workers) wait for
    # the lock, then load what it cached.
    with _locked(os.path.join(cache_dir, "mnist_classifier.lock")):
        model = cached()
        if model is not None:
            return model
        model, accuracy = train_mnist_classifier(data_dir)
        if accuracy < MIN_TEST_ACCURACY:
            raise RuntimeError(
                f"The MNIST classifier reached {accuracy:.4f} test accuracy, below "
                f"{MIN_TEST_ACCURACY}; it was not cached."
            )
        # Model first, then the report that marks the cache complete; each is
        # written beside its place and renamed, so a kill leaves no half file.
        model.save(f"{path}.partial.keras")
        os.replace(f"{path}.partial.keras", path)
        with open(f"{report}.partial", "w") as f:
            json.dump({"test_accuracy": accuracy}, f)
        os.replace(f"{report}.partial", report)
    model.test_accuracy = accuracy
    return model


@contextlib.contextmanager
def _locked(path):
    """An exclusive advisory lock on `path` (created if absent), held for
    the block; released when the process dies, so a killed trainer blocks
    no one."""
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
