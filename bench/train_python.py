"""Training throughput of the main job's model in PyTorch-Python, beside bench/bench_train.cpp.

The same network as paradigms::models::Classifier under configs/notes_family.yaml (same layer
order, parameter names and torch.nn default initialisation), the same data files, batch size,
optimizer, steps and thread count, and a loop shaped like the C++ trainer: no DataLoader, a
seeded permutation of the items every epoch cut into batches (the last one possibly smaller),
torch's generator re-seeded before every step, loss.item() read every step. Prints one JSON
line in the format of the C++ program:
    {"impl": "python", "samples_per_s": ..., "steps": ..., "threads": ..., ...}

    /usr/bin/python3 bench/train_python.py --steps 200 --warmup 20 --threads 2

Needs torch and numpy (Debian's python3-torch and python3-numpy for /usr/bin/python3).
"""

import argparse
import ctypes
import json
import math
import resource
import sys
import time

import numpy as np
import torch
from torch import nn


class Encoder(nn.Module):
    """conv2d encoder: blocks of conv -> batch-norm -> ReLU -> max-pool -> dropout."""

    def __init__(self, channels, kernel_size, pool_size, dropout):
        super().__init__()
        blocks = []
        in_channels = 1
        for out_channels in channels:
            layers = [
                nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2,
                          bias=False),
                nn.BatchNorm2d(out_channels),
                nn.ReLU(),
            ]
            if pool_size > 1:
                layers.append(nn.MaxPool2d(pool_size, ceil_mode=True))
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            blocks.append(nn.Sequential(*layers))
            in_channels = out_channels
        self.blocks = nn.ModuleList(blocks)
        self.output_channels = in_channels

    def forward(self, features):  # [B, F, T] -> [B, D, T']
        x = features.unsqueeze(1)
        for block in self.blocks:
            x = block(x)
        return x.mean(2)


class MeanPool(nn.Module):
    """Mean over time: [B, D, T] -> [B, D] (the C++ GlobalPool with pooling: mean)."""

    def forward(self, sequence):
        return sequence.mean(2)


class Classifier(nn.Module):
    def __init__(self, outputs, channels=(16, 32, 64, 128), kernel_size=3, pool_size=2,
                 dropout=0.1):
        super().__init__()
        self.encoder = Encoder(channels, kernel_size, pool_size, dropout)
        self.pool = MeanPool()
        self.head = nn.Sequential(nn.Linear(self.encoder.output_channels, outputs))

    def forward(self, features):
        return self.head(self.pool(self.encoder(features)))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", default="data/notes/features.npy",
                        help="features .npy [N, C, T] float32")
    parser.add_argument("--labels", default="data/notes/family.npy", help="labels .npy [N] int")
    parser.add_argument("--steps", type=int, default=200, help="timed steps")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps first")
    parser.add_argument("--batch-size", type=int, default=64, help="items per step")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads")
    parser.add_argument("--interop-threads", type=int, default=0,
                        help="inter-op threads (0: torch's)")
    parser.add_argument("--seed", type=int, default=0, help="item order, dropout and init")
    # Experiments, off by default, mirroring those of bench_train.
    parser.add_argument("--channels-last", action="store_true",
                        help="experiment: model.to(memory_format=torch.channels_last)")
    parser.add_argument("--tune-malloc", action="store_true",
                        help="experiment: keep freed memory (glibc mallopt through ctypes)")
    parser.add_argument("--dropout", type=float, default=0.1, help="experiment: encoder dropout")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.warmup < 0 or args.batch_size < 1 or args.threads < 1:
        parser.error(f"expected --steps >= 1, --warmup >= 0, --batch-size >= 1, --threads >= 1 "
                     f"(got {args.steps}, {args.warmup}, {args.batch_size}, {args.threads})")
    return args


def tune_malloc():
    """The mallopt settings of bench_train --tune-malloc (see there for why)."""
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    settings = ((m_trim_threshold, 1 << 30), (m_mmap_threshold, 32 << 20), (m_top_pad, 64 << 20))
    if not all(libc.mallopt(option, value) == 1 for option, value in settings):
        raise RuntimeError("--tune-malloc: mallopt refused a setting")


def load_data(features_path, labels_path):
    features = torch.from_numpy(np.ascontiguousarray(np.load(features_path), dtype=np.float32))
    raw_labels = np.load(labels_path)
    if features.dim() != 3 or raw_labels.shape != (features.shape[0],):
        raise ValueError(f"expected features [N, C, T] and labels [N] (got {tuple(features.shape)} "
                         f"and {raw_labels.shape})")
    # Class indices over the sorted distinct labels, as paradigms::data::load_feature_arrays.
    classes, labels = np.unique(raw_labels, return_inverse=True)
    return features, torch.from_numpy(labels.astype(np.int64)), len(classes)


class StepRunner:
    """Steps over epochs of seeded permutations; crops span the whole item (1-s notes)."""

    def __init__(self, model, optimizer, features, labels, batch_size, seed):
        self.model, self.optimizer = model, optimizer
        self.features, self.labels = features, labels
        self.batch_size, self.seed = batch_size, seed
        self.batches, self.epoch, self.step = [], 0, 0
        self.order = torch.Generator().manual_seed(seed)

    def next_batch(self):
        if not self.batches:
            order = torch.randperm(len(self.labels), generator=self.order)
            self.batches = list(torch.split(order, self.batch_size))[::-1]
            self.epoch += 1
        return self.batches.pop()

    def run(self, steps, step_s=None):
        """Runs `steps` steps; appends each step's wall time to `step_s` when given."""
        samples, loss_value = 0, math.nan
        for _ in range(steps):
            start = time.perf_counter()
            indices = self.next_batch()
            torch.manual_seed(self.seed * 1000003 + self.step)
            self.step += 1
            self.model.train()
            self.optimizer.zero_grad()
            inputs = self.features[indices]
            targets = self.labels[indices]
            outputs = self.model(inputs)
            loss = nn.functional.cross_entropy(outputs, targets, label_smoothing=0.0)
            (loss * 1.0).backward()  # the C++ step weights each chunk by its share (here 1)
            loss_value = loss.item()
            if math.isfinite(loss_value):
                self.optimizer.step()
            samples += len(indices)
            if step_s is not None:
                step_s.append(time.perf_counter() - start)
        return samples, loss_value


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.interop_threads > 0:
        torch.set_num_interop_threads(args.interop_threads)
    if args.tune_malloc:
        tune_malloc()
    torch.manual_seed(args.seed)

    features, labels, classes = load_data(args.features, args.labels)
    model = Classifier(classes, dropout=args.dropout)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002, betas=(0.9, 0.999), eps=1e-8,
                                 weight_decay=1e-4)
    runner = StepRunner(model, optimizer, features, labels, args.batch_size, args.seed)
    runner.run(args.warmup)

    step_s = []
    faults_start = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    cpu_start = time.process_time()
    start = time.perf_counter()
    samples, loss_value = runner.run(args.steps, step_s)
    seconds = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_start
    # The median step resists the bursts of other work on a shared machine.
    median_step_s = float(np.median(step_s))

    print(json.dumps({
        "impl": "python",
        "samples_per_s": samples / seconds,
        "steps": args.steps,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "batch_size": args.batch_size,
        "warmup": args.warmup,
        "samples": samples,
        "seconds": seconds,
        "cpu_s": cpu_s,
        "page_faults_per_step": faults / args.steps,
        "median_step_ms": median_step_s * 1e3,
        "median_samples_per_s": args.batch_size / median_step_s,
        "items": len(labels),
        "last_loss": loss_value,
        "torch": torch.__version__,
        "channels_last": args.channels_last,
        "tune_malloc": args.tune_malloc,
        "dropout": args.dropout,
    }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
