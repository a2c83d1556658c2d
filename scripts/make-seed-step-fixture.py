#!/usr/bin/python3
"""Makes tests/fixtures/seed-step.json: three training steps of the seed method's network,
computed in float64 by torch's autograd and torch.optim.AdamW, for the fused SIMD step
(src/core/methods/semantic-mlp-fused.ts) to be checked against.

The network: x (dropout applied as a given mask) @ W1 + b1 -> ReLU -> x given hidden mask
-> @ W2 + b2 -> ReLU, MSE against the targets, clip_grad_value_, AdamW. Shapes are small
and deliberately not multiples of 32 (7 attributes, 40 hidden units, 45 outputs); the
batches are 5, 5 and 3 rows; some inputs are exactly zero; the learning rate is large and
the clip small, so every step moves the weights and clips some gradients.
The tests read only the committed file: CI needs no Python.

Run: apt-get install -y python3-torch && /usr/bin/python3 scripts/make-seed-step-fixture.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'seed-step.json')
A, K, N = 7, 40, 45
LR, WD, CLIP = 0.01, 0.1, 0.002
P_IN, P_HIDDEN = 0.3, 0.5

g = torch.Generator().manual_seed(7)
def uniform(*shape, bound=1.0):
    return (torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1) * bound

W1 = uniform(A, K, bound=A ** -0.5).float().double().requires_grad_()
b1 = uniform(K, bound=A ** -0.5).float().double().requires_grad_()
W2 = uniform(K, N, bound=K ** -0.5).float().double().requires_grad_()
b2 = uniform(N, bound=K ** -0.5).float().double().requires_grad_()
initial = [t.detach().clone() for t in (W1, b1, W2, b2)]
params = [W1, b1, W2, b2]
opt = torch.optim.AdamW(params, lr=LR, weight_decay=WD)

steps = []
for B in (5, 5, 3):
    x = uniform(B, A).float().double()
    x[torch.rand(B, A, generator=g) < 0.2] = 0  # attributes that are exactly zero
    keep_in = (torch.rand(B, A, generator=g) >= P_IN).double() / (1 - P_IN)
    mask = (torch.rand(B, K, generator=g) >= P_HIDDEN).double() / (1 - P_HIDDEN)
    target = (torch.rand(B, N, generator=g, dtype=torch.float64)).float().double()
    inputs = x * keep_in
    h = torch.relu(inputs @ W1 + b1) * mask
    y = torch.relu(h @ W2 + b2)
    loss = torch.nn.functional.mse_loss(y, target)
    opt.zero_grad()
    loss.backward()
    clipped = sum(int((p.grad.abs() > CLIP).sum()) for p in params)
    torch.nn.utils.clip_grad_value_(params, CLIP)
    opt.step()
    steps.append({'inputs': inputs.flatten().tolist(), 'hiddenMask': mask.flatten().tolist(),
                  'targets': target.flatten().tolist(), 'loss': loss.item(), 'clipped': clipped})

state = [opt.state[p] for p in params]
fixture = {
    'shape': {'attributes': A, 'hidden': K, 'outputs': N},
    'options': {'learningRate': LR, 'weightDecay': WD, 'clipValue': CLIP},
    'initial': [t.flatten().tolist() for t in initial],
    'steps': steps,
    'final': [p.detach().flatten().tolist() for p in params],
    'moments': [m for s in state for m in (s['exp_avg'].flatten().tolist(), s['exp_avg_sq'].flatten().tolist())],
    'torch': torch.__version__,
}
with open(OUT, 'w') as f:
    json.dump(fixture, f)
print(f'wrote {OUT}: losses {[round(s["loss"], 6) for s in steps]}, clipped {[s["clipped"] for s in steps]}')
