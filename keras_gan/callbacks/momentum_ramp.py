"""`MomentumRamp`: a linear momentum schedule over epochs (pylearn2's
`MomentumAdjustor`, used by the 2014 GAN code)."""

import keras

from keras_gan.validation import check_positive_int


def _momentum_variable(optimizer):
    inner = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
    variable = getattr(inner, "momentum_variable", None)
    if variable is None:
        raise ValueError(
            "Invalid optimizer for MomentumRamp. Expected a "
            "keras_gan.optimizers.SGD, whose momentum is a variable (Keras's "
            "SGD fixes its momentum when the step is traced). Received: "
            f"{type(inner).__name__}"
        )
    return inner, variable


class MomentumRamp(keras.callbacks.Callback):
    """Raises the momentum linearly from its initial value to `final_momentum`.

    At the start of epoch e (counted from 1, as pylearn2 does):

        momentum(e) = initial + (final_momentum - initial) * alpha,
        alpha = clip((e - start) / (saturate - start), 0, 1)

    where `initial` is the optimizer's `momentum` argument. The 2014 GAN
    recipe (goodfeli/adversarial `mnist.yaml`): initial 0.5, `final_momentum`
    0.7, `start` 1, `saturate` 250, so epoch 1 uses 0.5, epoch 125.5 would
    use 0.6 and epochs >= 250 use 0.7.

    On a `keras_gan.GAN` it sets both players' optimizers; wrapped in
    `keras_gan.callbacks.ForPlayer` (or on a plain Keras model), only
    `model.optimizer`. The optimizers must be `keras_gan.optimizers.SGD`.
    The momentum is logged as `momentum` at the end of each epoch.

    Args:
        final_momentum: float in [0, 1].
        start: int >= 1, the last epoch at the initial momentum.
        saturate: int > start, the first epoch at `final_momentum`.

    Raises:
        ValueError: for a momentum outside [0, 1] or `saturate <= start`;
            when training starts, for an optimizer that is not a
            `keras_gan.optimizers.SGD`.

    Reference:
        pylearn2 `training_algorithms/learning_rule.py` `MomentumAdjustor`;
        goodfeli/adversarial `mnist.yaml`.
    """

    def __init__(self, final_momentum, start=1, saturate=250):
        super().__init__()
        if not isinstance(final_momentum, (int, float)) or not 0 <= final_momentum <= 1:
            raise ValueError(
                "Invalid value for argument `final_momentum`. Expected a float "
                f"in [0, 1]. Received: final_momentum={final_momentum!r}"
            )
        self.final_momentum = float(final_momentum)
        self.start = check_positive_int("start", start)
        self.saturate = check_positive_int("saturate", saturate)
        if self.saturate <= self.start:
            raise ValueError(
                "Invalid value for argument `saturate`. Expected an epoch after "
                f"start={self.start}. Received: saturate={saturate}"
            )

    def momentum(self, epoch, initial):
        """The momentum of epoch `epoch` (counted from 1) from `initial`."""
        alpha = min(max((epoch - self.start) / (self.saturate - self.start), 0.0), 1.0)
        return initial + (self.final_momentum - initial) * alpha

    def _targets(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:  # a GAN: both players
            optimizers = [self.model.d_optimizer, self.model.g_optimizer]
        else:
            optimizers = [optimizer]
        return [_momentum_variable(optimizer) for optimizer in optimizers]

    def on_train_begin(self, logs=None):
        self._targets()  # raises before the first step for a wrong optimizer

    def on_epoch_begin(self, epoch, logs=None):
        for optimizer, variable in self._targets():
            variable.assign(self.momentum(epoch + 1, optimizer.momentum))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            optimizer, variable = self._targets()[0]
            logs["momentum"] = float(keras.ops.convert_to_numpy(variable))
