#!/usr/bin/python3
"""Makes the ResNet weight fixtures and their reference outputs (tests/fixtures/resnet/).

Narrow bottleneck ResNets (blocks 1-2-1-1, base width 4, 128 features) with seeded
random weights and non-trivial batch-norm statistics, in both layouts the app reads:
  keras.h5             Keras applications' layer and weight names (written with h5py),
                       convs with bias, stride on a block's first 1x1 conv, BN eps 1.001e-5
  torchvision.safetensors  a torchvision state_dict (bytes written here: 8-byte header
                       length, JSON header, raw float32), no conv bias, stride on the 3x3
                       conv (v1.5), BN eps 1e-5
and reference.json: the forward pass of each, computed here in float64 by an
independent torch implementation of each layout's semantics, on test pictures
defined by an integer formula (tests rebuild the same pixels), under each
preprocessing. The tests read only the committed files: CI needs no Python.

Run: apt-get install -y python3-torch python3-h5py && /usr/bin/python3 scripts/make-resnet-fixtures.py
"""
import json
import os
import struct

import h5py
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'resnet')
BLOCKS = [1, 2, 1, 1]
BASE = 4
KERAS_EPS = 1.001e-5
TORCH_EPS = 1e-5
CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def picture(width, height):
    """The test picture: RGB uint8, height x width x 3, from an integer formula the JS tests repeat."""
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    r = (x * 7 + y * 3) % 256
    g = (x * x + 2 * y) % 256
    b = (x * y + 5 * x) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def random_conv_bn(rng, cin, cout, k, bias):
    std = np.sqrt(2.0 / (cin * k * k))
    return {
        'w': rng.normal(0, std, (cout, cin, k, k)),  # torch layout, float64
        'b': rng.normal(0, 0.1, cout) if bias else None,
        'gamma': rng.uniform(0.5, 1.5, cout),
        'beta': rng.normal(0, 0.2, cout),
        'rng': rng,  # the statistics are set by calibrate()
    }


def random_resnet(seed, bias):
    rng = np.random.default_rng(seed)
    net = {'stem': random_conv_bn(rng, 3, BASE, 7, bias), 'stages': []}
    cin = BASE
    for s, count in enumerate(BLOCKS):
        width = BASE * 2 ** s
        blocks = []
        for b in range(count):
            blocks.append({
                'reduce': random_conv_bn(rng, cin, width, 1, bias),
                'spatial': random_conv_bn(rng, width, width, 3, bias),
                'expand': random_conv_bn(rng, width, width * 4, 1, bias),
                'shortcut': random_conv_bn(rng, cin, width * 4, 1, bias) if b == 0 else None,
            })
            cin = width * 4
        net['stages'].append(blocks)
    return net


def t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def conv_bn(x, p, stride, padding, eps, relu):
    if 'mean' not in p:
        calibrate(x, p, stride, padding)
    y = F.conv2d(x, t(p['w']), t(p['b']) if p['b'] is not None else None, stride=stride, padding=padding)
    y = F.batch_norm(y, t(p['mean']), t(p['var']), t(p['gamma']), t(p['beta']), training=False, eps=eps)
    return F.relu(y) if relu else y


def calibrate(x, p, stride, padding):
    """Batch-norm statistics near those of the calibration pictures (as a trained network's are), so
    features depend on the picture and on its preprocessing; a quarter of the channels are scaled to a
    variance near 1e-5, where the layouts' epsilons (1.001e-5 and 1e-5) differ measurably."""
    rng = p.pop('rng')
    y = F.conv2d(x, t(p['w']), t(p['b']) if p['b'] is not None else None, stride=stride, padding=padding).numpy()
    mean, var = y.mean(axis=(0, 2, 3)), y.var(axis=(0, 2, 3)) + 1e-12
    tiny = np.arange(len(mean)) % 4 == 0
    scale = np.where(tiny, np.sqrt(1e-5 / var), 1.0)
    p['w'] = p['w'] * scale[:, None, None, None]
    if p['b'] is not None:
        p['b'] = p['b'] * scale
    mean, var = mean * scale, var * scale ** 2
    p['mean'] = mean + rng.normal(0, 0.1, len(mean)) * np.sqrt(var)
    p['var'] = var * rng.uniform(0.7, 1.4, len(var))


def forward(net, x, layout):
    """x: N x 3 x H x W float64, already preprocessed. Keras: stride on the first 1x1; torchvision: on the 3x3."""
    eps = KERAS_EPS if layout == 'keras' else TORCH_EPS
    x = conv_bn(x, net['stem'], 2, 3, eps, True)
    x = F.max_pool2d(x, 3, 2, 1)
    for s, blocks in enumerate(net['stages']):
        for b, block in enumerate(blocks):
            stride = 2 if s > 0 and b == 0 else 1
            s1, s3 = (stride, 1) if layout == 'keras' else (1, stride)
            shortcut = conv_bn(x, block['shortcut'], stride, 0, eps, False) if block['shortcut'] else x
            y = conv_bn(x, block['reduce'], s1, 0, eps, True)
            y = conv_bn(y, block['spatial'], s3, 1, eps, True)
            y = conv_bn(y, block['expand'], 1, 0, eps, False)
            x = F.relu(y + shortcut)
    return x.mean(dim=(2, 3))


def preprocess(rgb, scaling):
    """uint8 H x W x 3 RGB -> 1 x 3 x H x W float64."""
    v = rgb.astype(np.float64)
    if scaling == 'caffe':
        v = v[:, :, ::-1] - np.array(CAFFE_MEAN_BGR)
    else:
        v = (v / 255.0 - np.array(IMAGENET_MEAN)) / np.array(IMAGENET_STD)
    return t(np.ascontiguousarray(v.transpose(2, 0, 1))[None])


def write_keras_h5(net, path):
    layers = []

    def add(f, name, p):
        conv, bn = f'{name}_conv', f'{name}_bn'
        g = f.create_group(conv)
        g.attrs['weight_names'] = np.array([f'{conv}/kernel:0'.encode(), f'{conv}/bias:0'.encode()])
        g.create_dataset(f'{conv}/kernel:0', data=p['w'].transpose(2, 3, 1, 0).astype(np.float32))
        g.create_dataset(f'{conv}/bias:0', data=p['b'].astype(np.float32))
        g = f.create_group(bn)
        keys = [('gamma', 'gamma'), ('beta', 'beta'), ('moving_mean', 'mean'), ('moving_variance', 'var')]
        g.attrs['weight_names'] = np.array([f'{bn}/{k}:0'.encode() for k, _ in keys])
        for k, src in keys:
            g.create_dataset(f'{bn}/{k}:0', data=p[src].astype(np.float32))
        layers.extend([conv, bn])

    with h5py.File(path, 'w') as f:
        add(f, 'conv1', net['stem'])
        for s, blocks in enumerate(net['stages']):
            for b, block in enumerate(blocks):
                name = f'conv{s + 2}_block{b + 1}'
                if block['shortcut']:
                    add(f, f'{name}_0', block['shortcut'])
                add(f, f'{name}_1', block['reduce'])
                add(f, f'{name}_2', block['spatial'])
                add(f, f'{name}_3', block['expand'])
        f.attrs['layer_names'] = np.array([n.encode() for n in layers])
        f.attrs['backend'] = b'tensorflow'
        f.attrs['keras_version'] = b'2.15.0'


def write_torch_safetensors(net, path):
    tensors = {}

    def add(conv, bn, p):
        tensors[f'{conv}.weight'] = ('F32', p['w'].astype('<f4'))
        tensors[f'{bn}.weight'] = ('F32', p['gamma'].astype('<f4'))
        tensors[f'{bn}.bias'] = ('F32', p['beta'].astype('<f4'))
        tensors[f'{bn}.running_mean'] = ('F32', p['mean'].astype('<f4'))
        tensors[f'{bn}.running_var'] = ('F32', p['var'].astype('<f4'))
        tensors[f'{bn}.num_batches_tracked'] = ('I64', np.array(1000, dtype='<i8'))

    add('conv1', 'bn1', net['stem'])
    for s, blocks in enumerate(net['stages']):
        for b, block in enumerate(blocks):
            name = f'layer{s + 1}.{b}'
            add(f'{name}.conv1', f'{name}.bn1', block['reduce'])
            add(f'{name}.conv2', f'{name}.bn2', block['spatial'])
            add(f'{name}.conv3', f'{name}.bn3', block['expand'])
            if block['shortcut']:
                add(f'{name}.downsample.0', f'{name}.downsample.1', block['shortcut'])
    rng = np.random.default_rng(99)
    tensors['fc.weight'] = ('F32', rng.normal(0, 0.01, (10, BASE * 32)).astype('<f4'))
    tensors['fc.bias'] = ('F32', np.zeros(10, dtype='<f4'))
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        dtype, arr = tensors[name]
        data = arr.tobytes()
        header[name] = {'dtype': dtype, 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header['__metadata__'] = {'format': 'pt'}
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    os.makedirs(OUT, exist_ok=True)
    keras = random_resnet(11, bias=True)
    torchvision = random_resnet(12, bias=False)
    # Calibration pictures: the test pattern in several sizes, crops and channel orders, in each layout's own preprocessing.
    base = picture(288, 256)
    calibration = [base[:224, :224], base[32:, 64:], base[16:240, 32:256, ::-1], base[:224, 40:264, [1, 2, 0]], base[::-1, ::-1][:224, :224]]
    with torch.no_grad():
        forward(keras, torch.cat([preprocess(np.ascontiguousarray(c), 'caffe') for c in calibration]), 'keras')
        forward(torchvision, torch.cat([preprocess(np.ascontiguousarray(c), 'torchvision') for c in calibration]), 'torchvision')
    write_keras_h5(keras, os.path.join(OUT, 'keras.h5'))
    write_torch_safetensors(torchvision, os.path.join(OUT, 'torchvision.safetensors'))
    square = picture(224, 224)
    wide = picture(256, 224)
    crop = wide[:, 16:240]  # centre square of the 256 x 224 picture
    reference = {
        'about': 'float64 torch forward of the fixture weights (scripts/make-resnet-fixtures.py); pictures from its picture(width, height) formula',
        'blocks': BLOCKS,
        'base': BASE,
        'outputs': [],
    }
    for layout, net in (('keras', keras), ('torchvision', torchvision)):
        for scaling in ('caffe', 'torchvision'):
            for name, rgb, resize, size in (('square', square, 'stretch', [224, 224]), ('wide', crop, 'center-crop', [256, 224])):
                with torch.no_grad():
                    feature = forward(net, preprocess(rgb, scaling), layout)[0].numpy()
                reference['outputs'].append({
                    'weights': layout,
                    'scaling': scaling,
                    'resize': resize,
                    'picture': {'width': size[0], 'height': size[1]},
                    'feature': [float(v) for v in feature],
                })
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(reference, f, indent=1)
        f.write('\n')
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)), 'bytes')


if __name__ == '__main__':
    main()
