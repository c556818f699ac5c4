"""`keras_gan.run`: what a training run needs around the library: its directory."""

from keras_gan.run.directory import RunDirectoryError
from keras_gan.run.directory import changed_settings
from keras_gan.run.directory import check_resume
from keras_gan.run.directory import read_json
from keras_gan.run.directory import runs_root
from keras_gan.run.directory import write_json
