"""Steps per second of `GAN.fit` for each precision policy, XLA off and on.

Six configurations of the same DCGAN and batch: float32, mixed_float16 and
mixed_bfloat16, each with `jit_compile` False and True. Every configuration
is built once (under its dtype policy), warmed up (tracing, XLA
compilation), then timed in steady state (`timing.time_fit`: the second
epoch of a 2-epoch fit). The configurations take turns, `--repeats` times,
because this machine's speed drifts; medians are reported. The script runs
unchanged on a GPU and prints the device.

    python benchmarks/precision_and_xla.py
    python benchmarks/precision_and_xla.py --width 32 --steps 50
"""

import statistics

import keras
import tensorflow as tf

from timing import make_gan
from timing import one_batch_forever
from timing import parse_args
from timing import time_fit

POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def main():
    args = parse_args(__doc__, steps=20, warmup=3, repeats=3)
    dataset = one_batch_forever(args)

    gans = {}
    for policy in POLICIES:
        keras.mixed_precision.set_global_policy(policy)
        for jit_compile in (False, True):
            gan = make_gan(args, jit_compile=jit_compile)
            time_fit(gan, dataset, args.warmup)  # tracing and compilation
            gans[policy, jit_compile] = gan
    keras.mixed_precision.set_global_policy("float32")

    rates = {key: [] for key in gans}
    for _ in range(args.repeats):
        for key, gan in gans.items():
            rates[key].append(time_fit(gan, dataset, args.steps)[0])

    devices = [d.name for d in tf.config.list_logical_devices() if d.device_type != "CPU"] or ["CPU"]
    print(f"device: {', '.join(devices)}  TF {tf.__version__}  Keras {keras.__version__}")
    print(
        f"DCGAN {args.image_size}x{args.image_size}x{args.channels}, width {args.width}, "
        f"batch {args.batch_size}, {args.steps} steps x {args.repeats} repeats (medians, steps/s)"
    )
    print(f"{'policy':16} {'jit off':>9} {'jit on':>9}")
    for policy in POLICIES:
        off, on = (statistics.median(rates[policy, jit]) for jit in (False, True))
        print(f"{policy:16} {off:9.2f} {on:9.2f}")


if __name__ == "__main__":
    main()
