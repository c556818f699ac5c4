"""`python -m keras_gan`: the training command, as `keras-gan` and a clone's `python train.py`."""

from keras_gan.run import cli

if __name__ == "__main__":
    cli.main(prog="python -m keras_gan")
