#!/usr/bin/python3
"""Makes the quantization test and bench models. Run with Debian's /usr/bin/python3 (torch 1.13, onnx 1.12).

  make-test-models.py small-models            # resources/models/resnet-small and tiny-transformer (committed)
  make-test-models.py tiny-transformer        # only the transformer
  make-test-models.py resnet18 OUT_DIR        # full-width ResNet-18 at 224x224 for the bench (not committed)

Weights are random (seeded); batch-norm statistics are set by a few training-mode passes so that the
activations have sensible ranges. The tiny transformer is trained for a few seconds on a synthetic
task so that its outputs are confident and top-1 comparisons mean something.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def block(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = block(cin, cout, stride)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        idt = x if self.down is None else self.down(x)
        return self.relu(self.body(x) + idt)


class ResNet18(nn.Module):
    """torchvision's ResNet-18 layout with a configurable base width."""

    def __init__(self, width=64, classes=1000):
        super().__init__()
        w = [width, width * 2, width * 4, width * 8]
        self.stem = nn.Sequential(nn.Conv2d(3, w[0], 7, 2, 3, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        layers = []
        cin = w[0]
        for i, c in enumerate(w):
            layers += [Basic(cin, c, 1 if i == 0 else 2), Basic(c, c, 1)]
            cin = c
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def settle_batchnorm(model, shape, passes=8):
    model.train()
    with torch.no_grad():
        for _ in range(passes):
            model(torch.randn(16, *shape))
    model.eval()


def export(model, example, path, dynamic=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    axes = {'input': {0: 'N'}, 'logits': {0: 'N'}} if dynamic else None
    torch.onnx.export(model, example, path, input_names=['input'], output_names=['logits'], opset_version=13,
                      do_constant_folding=True, dynamic_axes=axes)


def save(path, array):
    np.save(path, np.ascontiguousarray(array))


def make_resnet(out_dir, width, size, classes, calib):
    torch.manual_seed(0)
    model = ResNet18(width, classes)
    settle_batchnorm(model, (3, size, size))
    export(model, torch.randn(1, 3, size, size), os.path.join(out_dir, 'model.onnx'))
    rng = np.random.default_rng(1)
    save(os.path.join(out_dir, 'calibration.npy'), rng.standard_normal((calib, 3, size, size)).astype(np.float32))
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump({'name': os.path.basename(out_dir), 'input': 'input', 'output': 'logits', 'shape': [1, 3, size, size],
                   'width': width, 'classes': classes, 'opset': 13, 'weights': 'random (seed 0)', 'n_calibration': calib}, f, indent=2)


class Encoder(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.n1 = nn.LayerNorm(d)
        self.n2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))

    def forward(self, x):
        b, s, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.n1(x)).reshape(b, s, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / (d // h) ** 0.5, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, s, d)
        x = x + self.proj(y)
        return x + self.ff(self.n2(x))


class TinyTransformer(nn.Module):
    def __init__(self, d=128, heads=4, ff=512, layers=3, classes=10):
        super().__init__()
        self.layers = nn.Sequential(*[Encoder(d, heads, ff) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        return self.head(self.norm(self.layers(x)).mean(dim=1))


def make_transformer(out_dir, seq=64, d=128, classes=10, samples=64, steps=30):
    torch.manual_seed(0)
    model = TinyTransformer(d=d, classes=classes)
    protos = torch.randn(classes, seq, d)

    def batch(n, gen):
        y = torch.randint(0, classes, (n,), generator=gen)
        return protos[y] * 0.5 + torch.randn(n, seq, d, generator=gen), y

    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(steps):
        x, y = batch(16, gen)
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    x, y = batch(samples, torch.Generator().manual_seed(2))
    with torch.no_grad():
        acc = float((model(x).argmax(1) == y).float().mean())
    export(model, x[:1], os.path.join(out_dir, 'model.onnx'))
    save(os.path.join(out_dir, 'samples.npy'), x.numpy().astype(np.float32))
    save(os.path.join(out_dir, 'labels.npy'), y.numpy().astype(np.int64))
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump({'name': 'tiny-transformer', 'input': 'input', 'output': 'logits', 'shape': [1, seq, d], 'layers': 3,
                   'd_model': d, 'heads': 4, 'ff': 512, 'classes': classes, 'opset': 13, 'top1_torch': acc,
                   'samples': samples, 'task': 'synthetic: which of 10 fixed patterns was added to Gaussian noise'}, f, indent=2)


def main(argv):
    torch.set_num_threads(2)
    if len(argv) >= 1 and argv[0] == 'resnet18':
        out = argv[1] if len(argv) > 1 else os.path.join(ROOT, 'bench-output', 'resnet18')
        make_resnet(out, 64, 224, 1000, 128)
    elif len(argv) >= 1 and argv[0] == 'small-models':
        make_resnet(os.path.join(ROOT, 'resources/models/resnet-small'), 16, 64, 10, 32)
        make_transformer(os.path.join(ROOT, 'resources/models/tiny-transformer'))
    elif len(argv) >= 1 and argv[0] == 'tiny-transformer':
        make_transformer(os.path.join(ROOT, 'resources/models/tiny-transformer'))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
