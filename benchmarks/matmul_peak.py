"""This machine's fp32 matrix-multiply rate: the peak the other benchmarks' steps/s are compared with.

    python benchmarks/matmul_peak.py               # 2048 x 2048 float32 matmuls, all cores
    taskset -c 0 python benchmarks/matmul_peak.py  # one core

TensorFlow multiplies two n x n float32 matrices (2 n^3 FLOPs) `--repeats`
times in a traced loop; the best of `--rounds` rounds is reported in
GFLOP/s. That is what this machine's BLAS reaches on large matmuls, an
attainable peak, below the processor's theoretical one.
"""

import argparse
import time

import tensorflow as tf


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    a = tf.random.stateless_normal((args.size, args.size), seed=(0, 1))
    b = tf.random.stateless_normal((args.size, args.size), seed=(0, 2))

    @tf.function
    def products(a, b):
        total = tf.zeros(())
        for _ in tf.range(args.repeats):
            total += tf.reduce_sum(tf.matmul(a, b)[:1, :1])
        return total

    products(a, b).numpy()  # trace
    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        products(a, b).numpy()
        rates.append(2 * args.size**3 * args.repeats / (time.perf_counter() - start) / 1e9)
    print(f"float32 matmul {args.size}x{args.size}, {tf.config.threading.get_intra_op_parallelism_threads() or 'all'} "
          f"intra-op threads: best {max(rates):.1f} GFLOP/s, median {sorted(rates)[len(rates) // 2]:.1f}")


if __name__ == "__main__":
    main()
