"""`python -m keras_gan`: the training command, as `keras-gan` and a clone's `python train.py`."""

from keras_gan.run import cli


def main(argv=None):
    cli.main(argv, prog="python -m keras_gan")


if __name__ == "__main__":
    main()
