"""One decoder trained three ways on MNIST: a GAN's generator, an auto-encoder's decoder, a VAE's decoder.

    python experiments/autoencoder_vs_gan.py --epochs 5 --out runs/autoencoder_vs_gan

The lecture notes this project started from claim that a
generator trained to match its target pixel by pixel (an auto-encoder's
decoder) has no prior to sample from, makes its mistakes in the wrong places
and needs a bigger network to come close to a GAN; and that a VAE, trained
on codes with noise added, answers what 0.5 a + 0.5 b decodes to where an
auto-encoder cannot. This script measures it.

The decoder is always `dcgan_generator((28, 28, 1), latent_dim=100)`
(width 64: 100 -> 7x7x128 -> 14x14x64 -> 28x28x1, tanh). The same
minibatches (MNIST's 60,000 training digits in [-1, 1], batches of 128,
468 updates per epoch, `--epochs` epochs) train:

- "gan": `keras_gan.GAN` with `dcgan_discriminator`, the non-saturating
  cost, Adam 2e-4, beta_1 0.5 (DCGAN's recipe, `train.py`'s defaults);
- "autoencoder": encoder -> 100-d code -> decoder, trained on the summed
  per-pixel Bernoulli cross-entropy between the digit and its
  reconstruction (grey levels as probabilities: a pixel distance);
- "vae": the encoder gives a mean and a log-variance, the decoder sees
  z = mean + exp(log_var / 2) * eps (the reparameterization, Kingma &
  Welling 2014, section 2.4), the cost is the same reconstruction term plus
  KL(q(z|x) || N(0, I)) (their appendix B): the negative ELBO, eq. 10.

The encoder is the DCGAN discriminator's body (two stride-2 convolutions,
64 and 128 channels, batch normalization, LeakyReLU 0.2) with a linear
head. Auto-encoder and VAE use Adam 1e-3 (Kingma & Ba's default); the
GAN keeps DCGAN's rate, the one it is known to train with. Then
"autoencoder_2x" and "vae_2x" double the width of encoder and decoder
(128 and 256 channels) at the same budget.

Measured for each, on 10,000 samples, against MNIST's 10,000 test digits:

- samples from the prior N(0, I); for the auto-encoder, which has no
  prior, these are the lecture's "random codes". As a kinder baseline,
  also codes drawn from a Gaussian fitted to the auto-encoder's codes of
  10,000 training digits ("fitted Gaussian": not in the lecture);
- their FCD (the project classifier's features), classifier score
  (the Inception-score formula on the MNIST classifier; 10 splits) and
  the classifier's mean confidence;
- the same for 0.5 a + 0.5 b: a, b two codes drawn as the samples are,
  and (auto-encoder, VAE) the codes of two test digits;
- the reconstruction error of the test digits, and where their codes lie
  (mean norm, per-dimension mean and spread; auto-encoder, VAE).

Figures in `--docs`: `autoencoder_vs_gan_samples.png`,
`autoencoder_vs_gan_interpolation.png`,
`autoencoder_vs_gan_reconstructions.png`. Each model's directory under
`--out` holds decoder.keras (and encoder.keras), config.json,
history.csv, training.json (written last) and metrics.json. A model whose
training.json exists is loaded and evaluated, not trained again: an
interrupted run continues with the next model, and a finished one can be
re-evaluated.
"""

import argparse
import json
import os
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gan
from keras_gan.evaluation import features as feature_models
from keras_gan.evaluation import scores, statistics
from keras_gan.evaluation.classifier import mnist_classifier

# experiments/harness.py (experiments/ is on the path when this script runs)
from harness import mnist, write_run

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 100
BATCH_SIZE = 128
# name: (kind, width of encoder and decoder)
MODELS = {
    "gan": ("gan", 64),
    "autoencoder": ("autoencoder", 64),
    "vae": ("vae", 64),
    "autoencoder_2x": ("autoencoder", 128),
    "vae_2x": ("vae", 128),
}


def bernoulli_nll(images, decoded):
    """Summed per-pixel cross-entropy, float32 `(batch,)`, nats per image.

    Both arguments are in [-1, 1]; (v + 1) / 2 are the grey levels read as
    the probability of a white pixel (Kingma & Welling's MNIST likelihood).
    """
    targets = (images + 1.0) / 2.0
    probabilities = tf.clip_by_value((decoded + 1.0) / 2.0, 1e-6, 1.0 - 1e-6)
    log_likelihood = targets * tf.math.log(probabilities) + (1.0 - targets) * tf.math.log(1.0 - probabilities)
    return -tf.reduce_sum(log_likelihood, axis=[1, 2, 3])


class Reparameterize(keras.layers.Layer):
    """(mean, log_var) -> mean + exp(log_var / 2) * eps while training, the
    mean otherwise; adds KL(N(mean, exp(log_var)) || N(0, I)) per image,
    averaged over the batch, to the model's loss (Kingma & Welling 2014,
    appendix B: -1/2 sum(1 + log_var - mean^2 - exp(log_var)))."""

    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        mean, log_var = inputs
        kl = -0.5 * tf.reduce_sum(1.0 + log_var - tf.square(mean) - tf.exp(log_var), axis=1)
        self.add_loss(tf.reduce_mean(kl))
        if not training:
            return mean
        return mean + tf.exp(0.5 * log_var) * keras.random.normal(tf.shape(mean), seed=self.seed_generator)


def encoder(width, outputs, name):
    """The DCGAN discriminator's body (without its logit) and a linear head
    of `outputs` units per image."""
    body = keras_gan.architectures.dcgan_discriminator(IMAGE_SHAPE, width=width)
    features = body.layers[-2].output  # the flattened features D's logit reads
    head = keras.layers.Dense(outputs, name="code")(features)
    return keras.Model(body.inputs, head, name=name)


def train_gan(dataset, width, args):
    gan = keras_gan.GAN(
        keras_gan.architectures.dcgan_generator(IMAGE_SHAPE, latent_dim=LATENT_DIM, width=width),
        keras_gan.architectures.dcgan_discriminator(IMAGE_SHAPE, width=width),
        seed=args.seed,
    )
    gan.compile(keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
    history = gan.fit(dataset, epochs=args.epochs, verbose=2)
    return None, gan.generator, history.history


def train_autoencoder(dataset, width, args, variational):
    decoder = keras_gan.architectures.dcgan_generator(IMAGE_SHAPE, latent_dim=LATENT_DIM, width=width,
                                                      name="decoder")
    images = keras.Input(IMAGE_SHAPE)
    if variational:
        encode = encoder(width, 2 * LATENT_DIM, "encoder")
        mean, log_var = keras.ops.split(encode(images), 2, axis=1)
        code = Reparameterize(args.seed)([mean, log_var])
    else:
        encode = encoder(width, LATENT_DIM, "encoder")
        code = encode(images)
    model = keras.Model(images, decoder(code))
    model.compile(keras.optimizers.Adam(1e-3), loss=bernoulli_nll)
    history = model.fit(dataset.map(lambda x: (x, x)), epochs=args.epochs, verbose=2)
    return encode, decoder, history.history


def codes_of(encode, images, variational):
    """Codes `(n, LATENT_DIM)` of images: the auto-encoder's, the VAE's means."""
    codes = encode.predict(images, batch_size=500, verbose=0)
    return codes[:, :LATENT_DIM] if variational else codes


def decode(decoder, codes):
    return np.asarray(decoder.predict(codes.astype(np.float32), batch_size=500, verbose=0))


def quality(images, classifier, feature_model, test_features):
    probabilities = tf.nn.softmax(classifier.predict(images, batch_size=500, verbose=0)).numpy()
    score, score_std = scores.classifier_score(probabilities)
    return {
        "fcd": statistics.frechet_distance(feature_models.features_of(images, feature_model), test_features),
        "classifier_score": score,
        "classifier_score_std": score_std,
        "mean_confidence": float(probabilities.max(axis=1).mean()),
    }


def fitted_gaussian_codes(codes, count, rng):
    """Draws from N(mean, covariance) of `codes`."""
    return rng.multivariate_normal(codes.mean(axis=0), np.cov(codes, rowvar=False), size=count)


def evaluate(name, encode, decoder, data, measure, args):
    """Samples, midpoints, reconstructions and their metrics for one model.

    Returns (metrics dict, figures dict of image arrays)."""
    kind = MODELS[name][0]
    rng = np.random.default_rng(args.seed)
    n = args.eval_samples
    prior = rng.standard_normal((2, n, LATENT_DIM))
    metrics = {"samples": measure(decode(decoder, prior[0])),
               "midpoints_of_samples": measure(decode(decoder, 0.5 * prior[0] + 0.5 * prior[1]))}
    figures = {"samples": decode(decoder, prior[0, :10]),
               "interpolation": interpolate(decoder, prior[0, :3], prior[1, :3]),
               "interpolation_labels": [f"{name}: prior z_a -> z_b"] * 3}
    if kind == "gan":
        return metrics, figures
    variational = kind == "vae"
    test_codes = codes_of(encode, data["test"][:n], variational)
    pairs = rng.permutation(len(test_codes))
    norms = np.linalg.norm(test_codes, axis=1)
    # Where the codes live, against N(0, I)'s (mean norm ~ sqrt(100), std 1 per dimension).
    metrics["codes_of_test_digits"] = {"mean_norm": float(norms.mean()),
                                       "mean_abs_mean_per_dimension": float(np.abs(test_codes.mean(axis=0)).mean()),
                                       "mean_std_per_dimension": float(test_codes.std(axis=0).mean())}
    metrics["midpoints_of_test_digits"] = measure(decode(decoder, 0.5 * test_codes + 0.5 * test_codes[pairs]))
    reconstructions = decode(decoder, test_codes)
    metrics["reconstruction"] = {
        "bernoulli_nll_nats": float(np.mean(bernoulli_nll(data["test"][:n], reconstructions))),
        "l1_per_pixel": float(np.mean(np.abs(reconstructions - data["test"][:n]))),
        **measure(reconstructions),
    }
    figures["reconstructions"] = reconstructions[:10]
    shown = np.array(data["interpolation_pairs"])  # indices into the whole test set
    figures["interpolation"] = interpolate(decoder, codes_of(encode, data["test"][shown[:, 0]], variational),
                                           codes_of(encode, data["test"][shown[:, 1]], variational))
    figures["interpolation_labels"] = [f"{name}: test {a} -> {b}" for a, b in data["interpolation_digits"]]
    if kind == "autoencoder":
        train_codes = codes_of(encode, data["train"][:n], variational)
        fitted = fitted_gaussian_codes(train_codes, n, rng)
        metrics["samples_fitted_gaussian"] = measure(decode(decoder, fitted))
        figures["samples_fitted_gaussian"] = decode(decoder, fitted[:10])
    return metrics, figures


def interpolate(decoder, a, b, steps=7):
    """Rows of `steps` decodes from a to b (rows: pairs), flattened row-major."""
    weights = np.linspace(0.0, 1.0, steps)[None, :, None]
    codes = (1.0 - weights) * a[:, None, :] + weights * b[:, None, :]
    return decode(decoder, codes.reshape(-1, LATENT_DIM))


def run_model(name, data, measure, args):
    """Trains one model (or loads it, when `training.json` says an earlier
    run trained it), evaluates it and writes metrics.json.

    Returns (metrics dict, figures dict)."""
    directory = os.path.join(args.out, name)
    training_path = os.path.join(directory, "training.json")
    kind, width = MODELS[name]
    if os.path.exists(training_path):
        decoder = keras.saving.load_model(os.path.join(directory, "decoder.keras"))
        encoder_path = os.path.join(directory, "encoder.keras")
        encode = keras.saving.load_model(encoder_path) if os.path.exists(encoder_path) else None
        with open(training_path) as f:
            training = json.load(f)
    else:
        os.makedirs(directory, exist_ok=True)
        keras.utils.set_random_seed(args.seed)
        dataset = keras_gan.data.load_tfds("mnist", batch_size=BATCH_SIZE, seed=args.seed, download=False,
                                           data_dir=args.data_dir, split=f"train[:{args.train_images}]")
        start = time.time()
        if kind == "gan":
            encode, decoder, history = train_gan(dataset, width, args)
        else:
            encode, decoder, history = train_autoencoder(dataset, width, args, variational=kind == "vae")
        training = {"width": width, "epochs": args.epochs, "train_seconds": round(time.time() - start),
                    "decoder_parameters": decoder.count_params(),
                    "encoder_parameters": encode.count_params() if encode is not None else None,
                    "final_losses": {k: float(v[-1]) for k, v in history.items()}}
        decoder.save(os.path.join(directory, "decoder.keras"))
        if encode is not None:
            encode.save(os.path.join(directory, "encoder.keras"))
        write_run(directory, {**vars(args), "model": name, "kind": kind, "width": width}, history)
        with open(training_path, "w") as f:  # last: marks the model as trained
            json.dump(training, f, indent=2)
    metrics, figures = evaluate(name, encode, decoder, data, measure, args)
    metrics.update(training)
    with open(os.path.join(directory, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    print(name, json.dumps(metrics, indent=2), flush=True)
    return metrics, figures


def save_figures(figures, data, docs):
    os.makedirs(docs, exist_ok=True)
    rows, labels = [], []
    for name, figure in figures.items():
        rows.append(figure["samples"])
        labels.append(f"{name}: N(0, I)" if not name.startswith("gan") else name)
        if "samples_fitted_gaussian" in figure:
            rows.append(figure["samples_fitted_gaussian"])
            labels.append(f"{name}: fitted Gaussian")
    rows.append(data["test"][:10])
    labels.append("test digits")
    keras_gan.plotting.save_image_grid(np.concatenate(rows), os.path.join(docs, "autoencoder_vs_gan_samples.png"),
                                       num_rows=len(rows), row_labels=labels)
    rows, labels = [], []
    for name, figure in figures.items():
        pairs = figure["interpolation"].reshape(-1, 7, *IMAGE_SHAPE)
        rows.extend(pairs)
        labels.extend(figure["interpolation_labels"])
    keras_gan.plotting.save_image_grid(np.concatenate(rows),
                                       os.path.join(docs, "autoencoder_vs_gan_interpolation.png"),
                                       num_rows=len(rows), row_labels=labels)
    rows = [data["test"][:10]] + [f["reconstructions"] for f in figures.values() if "reconstructions" in f]
    labels = ["test digits"] + [name for name, f in figures.items() if "reconstructions" in f]
    keras_gan.plotting.save_image_grid(np.concatenate(rows),
                                       os.path.join(docs, "autoencoder_vs_gan_reconstructions.png"),
                                       num_rows=len(rows), row_labels=labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5,
                        help="epochs for every model (default 5; 468 updates each on 60000 digits)")
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS),
                        help="models to train or load (default: all five)")
    parser.add_argument("--train-images", type=int, default=60000,
                        help="MNIST training digits used (default 60000; fewer for a quick check)")
    parser.add_argument("--eval-samples", type=int, default=10000,
                        help="samples per metric, at most the 10000 test digits")
    parser.add_argument("--seed", type=int, default=0, help="seed of data order, weights, noise and evaluation")
    parser.add_argument("--out", default="runs/autoencoder_vs_gan", help="run directory, one subdirectory per model")
    parser.add_argument("--docs", default="docs/figures", help="where the three figures are written")
    parser.add_argument("--data-dir", default=os.environ.get("TFDS_DATA_DIR"),
                        help="TFDS data directory holding mnist (default $TFDS_DATA_DIR)")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    if not BATCH_SIZE <= args.train_images <= 60000:
        parser.error(f"--train-images must be between {BATCH_SIZE} and 60000, got {args.train_images}")
    if not 10 <= args.eval_samples <= 10000:
        parser.error(f"--eval-samples must be between 10 and 10000 (the test digits), got {args.eval_samples}")
    (train_images, _), (test_images, test_labels) = mnist(args.data_dir)
    first = [int(np.nonzero(test_labels == digit)[0][0]) for digit in range(10)]
    # Shown interpolated: the codes of the first test 1 and 7, 3 and 8, 4 and 9.
    digits = [(1, 7), (3, 8), (4, 9)]
    data = {"test": test_images, "train": train_images[:10000], "interpolation_digits": digits,
            "interpolation_pairs": [(first[a], first[b]) for a, b in digits]}
    classifier = mnist_classifier()
    feature_model = feature_models.classifier_feature_model(classifier)
    test_features = feature_models.features_of(test_images, feature_model)

    def measure(images):
        return quality(images, classifier, feature_model, test_features)

    os.makedirs(args.out, exist_ok=True)
    report = {"epochs": args.epochs, "updates": args.epochs * (args.train_images // BATCH_SIZE),
              "batch_size": BATCH_SIZE, "eval_samples": args.eval_samples,
              "models": {"test_digits": measure(test_images),
                         "train_digits": measure(data["train"])}}
    figures = {}
    for name in args.models:
        report["models"][name], figures[name] = run_model(name, data, measure, args)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    save_figures(figures, data, args.docs)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
