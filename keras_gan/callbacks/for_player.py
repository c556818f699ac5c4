"""`ForPlayer`: points a Keras callback that addresses `model.optimizer` at
one player's optimizer."""

import keras

PLAYERS = {"discriminator": "d", "generator": "g"}
HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_begin",
    "on_test_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class _PlayerView:
    """The GAN as the wrapped callback sees it: `optimizer` is one player's.

    Every other attribute, read or written (`stop_training`, `history`...),
    is the GAN's own.
    """

    def __init__(self, gan, player):
        object.__setattr__(self, "_gan", gan)
        object.__setattr__(self, "_attribute", f"{PLAYERS[player]}_optimizer")

    @property
    def optimizer(self):
        return getattr(self._gan, self._attribute)

    def __getattr__(self, name):
        return getattr(self._gan, name)

    def __setattr__(self, name, value):
        setattr(self._gan, name, value)


class ForPlayer(keras.callbacks.Callback):
    """Runs a Keras callback on one player's optimizer of a `keras_gan.GAN`.

    Keras's learning-rate callbacks (`LearningRateScheduler`,
    `ReduceLROnPlateau`) change `model.optimizer`; a GAN has two,
    `d_optimizer` and `g_optimizer`, and no `model.optimizer`. Wrapped, the
    callback sees the GAN with `optimizer` set to the chosen player's, and
    works unchanged: wrap one instance per player to drive both (for
    ReduceLROnPlateau each keeps its own patience). The `learning_rate` it
    logs is renamed `d_learning_rate` or `g_learning_rate`, so History,
    CSVLogger and TensorBoard (placed after it) record both.

    Args:
        callback: a `keras.callbacks.Callback`.
        player: "discriminator" or "generator".

    Raises:
        ValueError: for another `player` or a `callback` that is not a
            Keras callback.

    Example:
        ```python
        halve = lambda epoch, lr: lr * 0.5 if epoch >= 10 else lr
        gan.fit(dataset, epochs=20, callbacks=[
            ForPlayer(keras.callbacks.LearningRateScheduler(halve), "discriminator"),
            ForPlayer(keras.callbacks.LearningRateScheduler(halve), "generator"),
            ForPlayer(keras.callbacks.ReduceLROnPlateau("g_loss", mode="min"), "generator"),
        ])
        ```
    """

    def __init__(self, callback, player):
        super().__init__()
        if player not in PLAYERS:
            raise ValueError(
                "Invalid value for argument `player`. Expected one of "
                f"{tuple(PLAYERS)}. Received: player={player!r}"
            )
        if not isinstance(callback, keras.callbacks.Callback):
            raise ValueError(
                "Invalid value for argument `callback`. Expected a "
                f"keras.callbacks.Callback. Received: callback={callback!r}"
            )
        self.callback = callback
        self.player = player
        # The wrapped callback's own hooks, so Keras sees which ones it
        # overrides (it skips per-batch calls to callbacks that have none).
        for hook in HOOKS:
            setattr(self, hook, getattr(callback, hook))

    def set_model(self, model):
        super().set_model(model)
        self.callback.set_model(_PlayerView(model, self.player))

    def set_params(self, params):
        super().set_params(params)
        self.callback.set_params(params)

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        self.callback.on_epoch_end(epoch, logs)
        if "learning_rate" in logs:
            logs[f"{PLAYERS[self.player]}_learning_rate"] = logs.pop("learning_rate")
