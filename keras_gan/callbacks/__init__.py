"""Keras callbacks for GAN training; each writes only into a directory it is given.

`SampleGrid`, `TranslationGrid` (image to image) and `LatentInterpolation` write PNGs, `TensorBoardImages` image
summaries; `ForPlayer` points Keras's learning-rate callbacks at one player's
optimizer; `BackupAndRestore` is Keras's, mid-epoch, on SIGTERM, verified and
never the only copy; `MomentumRamp` the 2014 recipe's momentum schedule; `QualityMetrics` the
Frechet distance and KID while training, `StopWhenNoBetter` early stopping on it that survives a
resume; `DiscriminatorOverfitting` D's outputs on its training images beside held-out real ones;
`ModeCount` Stacked MNIST's modes and KL (PacGAN); `StopOnNonFinite` ends a diverged run before
anything overwrites its last finite state.
"""

from keras_gan.callbacks.backup_and_restore import BackupAndRestore
from keras_gan.callbacks.backup_and_restore import BackupError
from keras_gan.callbacks.backup_and_restore import Preempted
from keras_gan.callbacks.early_stopping import StopWhenNoBetter
from keras_gan.callbacks.for_player import ForPlayer
from keras_gan.callbacks.latent_interpolation import LatentInterpolation
from keras_gan.callbacks.mode_count import ModeCount
from keras_gan.callbacks.momentum_ramp import MomentumRamp
from keras_gan.callbacks.non_finite import NonFiniteError
from keras_gan.callbacks.non_finite import StopOnNonFinite
from keras_gan.callbacks.overfitting import DiscriminatorOverfitting
from keras_gan.callbacks.quality_metrics import QualityMetrics
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.sample_grid import TranslationGrid
from keras_gan.callbacks.tensorboard_images import TensorBoardImages
