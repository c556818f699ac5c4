"""`keras_gan.run`: a training run around the library.

`options` (every setting, its flag and default, the choices read from the
library), `recipes` (papers' settings by name), `directory` (the run
directory: one process at a time, settings recorded, continued or refused,
atomic JSON), `build`
(the data, the GAN and the quality callback of a configuration), `trainer`
(the run itself) and `cli` (`python train.py`).
"""

from keras_gan.run import options
from keras_gan.run import recipes
from keras_gan.run.directory import RunDirectoryError
from keras_gan.run.directory import RunDirectoryLocked
from keras_gan.run.directory import changed_settings
from keras_gan.run.directory import check_resume
from keras_gan.run.directory import lock
from keras_gan.run.directory import read_json
from keras_gan.run.directory import runs_root
from keras_gan.run.directory import write_json
