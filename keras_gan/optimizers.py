"""Optimizer pieces the papers' recipes need and Keras lacks.

`FlooredExponentialDecay`: Keras's `ExponentialDecay` with a floor (pylearn2's
`ExponentialDecay(decay_factor, min_lr)`, used by the 2014 GAN code). `SGD`:
Keras's SGD whose momentum lives in a variable, so that a callback
(`keras_gan.callbacks.MomentumRamp`) can change it while training; Keras's
own SGD bakes its momentum float into the traced step. `Adam`: Keras's Adam
whose beta_2 may follow a `keras_gan.schedules.CosineBurnIn` (R3GAN).
"""

import keras
from keras import ops

from keras_gan import schedules

# The optimizers a run can name (`train.py --optimizer`): Adam, or SGD with
# momentum (the 2014 GAN's, with a momentum ramp and a decaying rate).
OPTIMIZERS = ("adam", "sgd")


@keras.saving.register_keras_serializable(package="keras_gan")
class FlooredExponentialDecay(keras.optimizers.schedules.ExponentialDecay):
    """`keras.optimizers.schedules.ExponentialDecay`, never below `floor`.

        learning_rate(step) = max(initial_learning_rate
                                  * decay_rate ** (step / decay_steps), floor)

    `step` is the optimizer's update count before the update (0 for the
    first). goodfeli/adversarial's `mnist.yaml` divides the learning rate by
    1.000004 after every update, from 0.1, down to 1e-6:
    `FlooredExponentialDecay(0.1, 1, 1 / 1.000004, floor=1e-6)`.

    Args:
        initial_learning_rate, decay_steps, decay_rate, staircase: as
            `ExponentialDecay` (floats > 0; int >= 1 steps).
        floor: float >= 0, the smallest learning rate returned.

    Raises:
        ValueError: if `floor` is negative or not a number.
    """

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, floor=0.0, staircase=False, name="FlooredExponentialDecay"
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase=staircase, name=name)
        if not isinstance(floor, (int, float)) or floor < 0:
            raise ValueError(
                "Invalid value for argument `floor`. Expected a number >= 0. "
                f"Received: floor={floor!r}"
            )
        self.floor = float(floor)

    def __call__(self, step):
        # In float64: over 10^5 steps, float32's rounding of a decay rate
        # such as 1 / 1.000004 would shift the learning rate by ~0.5 %.
        exponent = ops.cast(step, "float64") / self.decay_steps
        if self.staircase:
            exponent = ops.floor(exponent)
        # convert_to_tensor with the dtype: a cast of a Python float would
        # round it to float32 first.
        rate = ops.convert_to_tensor(self.initial_learning_rate, "float64") * ops.power(
            ops.convert_to_tensor(self.decay_rate, "float64"), exponent
        )
        return ops.cast(ops.maximum(rate, self.floor), "float32")

    def get_config(self):
        return {**super().get_config(), "floor": self.floor}


@keras.saving.register_keras_serializable(package="keras_gan")
class SGD(keras.optimizers.SGD):
    """`keras.optimizers.SGD` whose momentum can change during training.

    The same update as Keras's (and pylearn2's `Momentum` learning rule):

        velocity = momentum * velocity - learning_rate * gradient
        weight = weight + velocity

    (Nesterov as in Keras with `nesterov=True`), but the momentum is read
    from `momentum_variable`, a float32 scalar built with the optimizer and
    saved with its variables (so a resumed run continues with the momentum
    it had). `momentum` stays the initial value, as in the config.
    Velocities are kept even when the initial momentum is 0.

    Args: as `keras.optimizers.SGD` (`momentum` a float in [0, 1]).
    """

    def build(self, variables):
        if self.built:
            return
        # The base optimizer's build, not SGD's, which skips the velocities
        # when the initial momentum is 0.
        super(keras.optimizers.SGD, self).build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum")
        self.momentum_variable = self.add_variable(
            (), initializer=keras.initializers.Constant(self.momentum), dtype="float32", name="momentum_value"
        )

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum_variable, variable.dtype)
        step = ops.multiply(gradient, learning_rate)
        self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum), step))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum), step))
        else:
            self.assign_add(variable, velocity)


@keras.saving.register_keras_serializable(package="keras_gan")
class Adam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose beta_2 may follow a schedule.

    With `beta_2` a `keras_gan.schedules.CosineBurnIn`, each update uses
    beta_2(t) at its step t (the count before the update), both in the
    second-moment average and in its bias correction 1 - beta_2(t)^(t + 1),
    as R3GAN's code rewrites beta_2 into torch's Adam every iteration
    (0.9 -> 0.99). Keras's own Adam bakes a float beta_2 into the traced
    step. A float `beta_2` gives exactly Keras's Adam.

    Args: as `keras.optimizers.Adam`; `beta_2` a float in [0, 1) or a
        `CosineBurnIn` (of steps of this optimizer).

    Reference:
        Huang et al. 2024, NeurIPS, appendix D, Table 9; brownvc/R3GAN
        `training/training_loop.py`.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, **kwargs):
        beta_2 = schedules.deserialize(beta_2)
        schedule = beta_2 if isinstance(beta_2, schedules.CosineBurnIn) else None
        super().__init__(learning_rate, beta_1, beta_2 if schedule is None else schedule.base, **kwargs)
        self.beta_2_schedule = schedule

    def update_step(self, gradient, variable, learning_rate):
        if self.beta_2_schedule is None:
            return super().update_step(gradient, variable, learning_rate)
        fixed, self.beta_2 = self.beta_2, self.beta_2_schedule(self.iterations)
        try:
            return super().update_step(gradient, variable, learning_rate)
        finally:
            self.beta_2 = fixed

    def get_config(self):
        config = super().get_config()
        if self.beta_2_schedule is not None:
            config["beta_2"] = schedules.serialize(self.beta_2_schedule)
        return config
