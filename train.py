"""Train a GAN: `python train.py --help`, `--list-recipes`, `--dry-run`.

The command line of `keras_gan.run.cli`: the flags, recipes, run directory
and resume are library code (`keras_gan.run`), tested there; this file only
calls it.
"""

from keras_gan.run import cli

if __name__ == "__main__":
    cli.main()
