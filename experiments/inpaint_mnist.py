"""Complete an MNIST digit from its top half: the same U-Net trained by L1 alone and as pix2pix.

    python experiments/inpaint_mnist.py --epochs 3 --out runs/inpaint_mnist

The task (no download: MNIST from TFDS): the input is the digit with its
bottom half replaced by mid-grey (0 in [-1, 1], so the network knows what
is missing), padded from 28x28 to 32x32 so that the U-Net halves five times
down to 1x1 and every output pixel can see the whole top half; the target
is the whole digit. Both generators are `unet_generator((32, 32, 1),
width=32)`, trained for the same number of updates with Adam 2e-4,
beta_1 0.5, minibatches of 64:

- "l1": the pixel-distance generator of the lecture, `keras.Model.fit`
  with the mean absolute error (lambda L1 alone);
- "pix2pix": `keras_gan.Pix2Pix` with `patchgan_discriminator(num_layers=2)`
  (34x34 patches), lambda = 100 (eq. 4).

Measured on MNIST's 10,000 test digits (completions cropped back to 28x28):
the project classifier's accuracy on the completed digits against their
true labels, the FCD of the completed digits against the test set, and the
per-pixel L1 of the bottom half (which favours the blur an L1 generator
produces: the mean of plausible completions minimises it). Figures: a grid
of inputs, L1 outputs, pix2pix outputs and the truth; and 6 completions per
ambiguous top half (of 7s and 9s), from G with dropout on (pix2pix's test
time randomness, section 3.2.1).

Each model's run directory (`<out>/l1`, `<out>/pix2pix`) holds config.json,
history.csv and generator/ (the export: `serving_default(inputs)`).
"""

import argparse
import json
import os
import time

import keras
import numpy as np

import keras_gan
from keras_gan.evaluation import features as feature_models
from keras_gan.evaluation import statistics
from keras_gan.evaluation.classifier import mnist_classifier
from keras_gan.networks import frozen_call

from harness import mnist  # experiments/harness.py, beside this script
from harness import write_run


def pad(images):
    """28x28 -> 32x32, background (-1) around."""
    return np.pad(images, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)


def mask_bottom(images):
    """The input: the bottom half (rows 14..27 of the digit) set to mid-grey 0."""
    masked = images.copy()
    masked[:, 2 + 14 :, :, :] = 0.0
    return masked


def crop(images):
    return np.asarray(images)[:, 2:30, 2:30, :]


def train_l1(x, y, args):
    keras.utils.set_random_seed(args.seed)
    generator = keras_gan.architectures.unet_generator((32, 32, 1), width=args.width)
    generator.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), loss="mae")
    history = generator.fit(x, y, batch_size=64, epochs=args.epochs, verbose=2, shuffle=True)
    return generator, history.history


def train_pix2pix(x, y, args):
    keras.utils.set_random_seed(args.seed)
    pix2pix = keras_gan.Pix2Pix(
        keras_gan.architectures.unet_generator((32, 32, 1), width=args.width),
        keras_gan.architectures.patchgan_discriminator((32, 32, 1), width=args.width, num_layers=2),
        l1_weight=100.0,
        seed=args.seed,
    )
    pix2pix.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    dataset = keras_gan.data.paired_from_arrays(x, y, batch_size=64, value_range=(-1, 1), seed=args.seed)
    history = pix2pix.fit(dataset, epochs=args.epochs, verbose=2)
    return pix2pix, history.history


def measure(completed, test_images, test_labels, classifier, feature_model):
    """Completed digits `(n, 28, 28, 1)` against the truth."""
    predictions = np.argmax(classifier.predict(completed, batch_size=500, verbose=0), axis=1)
    return {
        "classifier_accuracy": float(np.mean(predictions == test_labels)),
        "fcd": statistics.frechet_distance(
            feature_models.features_of(completed, feature_model), feature_models.features_of(test_images, feature_model)
        ),
        "l1_bottom_half": float(np.mean(np.abs(completed[:, 14:] - test_images[:, 14:]))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--train-images", type=int, default=60000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/inpaint_mnist")
    parser.add_argument("--docs", default="docs/figures")
    parser.add_argument("--data-dir", default=os.environ.get("TFDS_DATA_DIR"))
    args = parser.parse_args()
    (train_images, _), (test_images, test_labels) = mnist(args.data_dir)
    y = pad(train_images[: args.train_images])
    x = mask_bottom(y)
    test_targets = pad(test_images)
    test_inputs = mask_bottom(test_targets)
    classifier = mnist_classifier()
    feature_model = feature_models.classifier_feature_model(classifier)
    report = {"epochs": args.epochs, "updates": args.epochs * (len(x) // 64), "train_images": len(x),
              "width": args.width, "models": {}}
    outputs = {}
    for name, train in (("l1", train_l1), ("pix2pix", train_pix2pix)):
        start = time.time()
        model, history = train(x, y, args)
        seconds = time.time() - start
        if name == "pix2pix":
            completed = model.translate(test_inputs, batch_size=500).numpy()
            generator = model.generator
        else:
            completed = model.predict(test_inputs, batch_size=500, verbose=0)
            generator = model

        def sample(inputs, generator=generator):
            # G as at training time (dropout on, the batch's statistics),
            # its state unchanged: pix2pix's test-time randomness.
            return np.asarray(frozen_call(generator, inputs))

        # The known top half is the input's: keep G's output below only.
        completed = np.concatenate([test_targets[:, :16], completed[:, 16:]], axis=1)
        outputs[name] = (completed, sample)
        report["models"][name] = {**measure(crop(completed), test_images, test_labels, classifier, feature_model),
                                  "train_seconds": round(seconds)}
        config = {**vars(args), "model": name}
        write_run(os.path.join(args.out, name), config, history)
        if name == "pix2pix":
            keras_gan.export.export_generator(model, os.path.join(args.out, name, "generator"))
        else:
            model.export(os.path.join(args.out, name, "generator"))
        print(name, report["models"][name], flush=True)
    report["models"]["truth"] = measure(test_images, test_images, test_labels, classifier, feature_model)
    report["models"]["input_only"] = measure(crop(test_inputs), test_images, test_labels, classifier, feature_model)
    os.makedirs(args.docs, exist_ok=True)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    # Grid: columns are 10 test digits; rows input, L1, pix2pix, truth.
    first = np.concatenate([np.nonzero(test_labels == d)[0][:1] for d in range(10)])
    rows = [crop(test_inputs[first]), crop(outputs["l1"][0][first]), crop(outputs["pix2pix"][0][first]),
            test_images[first]]
    keras_gan.plotting.save_image_grid(np.concatenate(rows), os.path.join(args.docs, "inpaint_mnist.png"),
                                       num_rows=4, row_labels=["input", "L1 only", "pix2pix", "truth"])
    # Ambiguous top halves: 3 sevens and 3 nines, 6 completions each.
    chosen = np.concatenate([np.nonzero(test_labels == d)[0][:3] for d in (7, 9)])
    for name, (_, sample) in outputs.items():
        draws = [np.concatenate([test_targets[chosen][:, :16], sample(test_inputs[chosen])[:, 16:]], axis=1)
                 for _ in range(6)]
        grid = np.stack([crop(test_inputs[chosen]), *map(crop, draws)], axis=1).reshape(-1, 28, 28, 1)
        keras_gan.plotting.save_image_grid(grid, os.path.join(args.docs, f"inpaint_mnist_ambiguous_{name}.png"),
                                           num_rows=len(chosen))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
