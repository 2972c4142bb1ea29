"""PyTorch eager reference for the engine benchmark: the same PatchTST train step (RevIN affine, end replicate
padding, channel-independent patch embedding, learned positions, post-norm BatchNorm encoder, GELU FFN, flatten
head, BCE with logits, global-norm clip, AdamW). Prints one JSON line.

usage: python3 tests/bench/torch_patchtst.py --d-model 64 --layers 32 --heads 2 --d-ff 256 --steps 20
"""
import argparse, json, os, resource, sys, time
import torch
from torch import nn
import torch.nn.functional as F


class BatchNormTokens(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.bn = nn.BatchNorm1d(d)

    def forward(self, x):  # [N, P, d]
        return self.bn(x.transpose(1, 2)).transpose(1, 2)


class EncoderLayer(nn.Module):
    def __init__(self, d, heads, ff, dropout):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.norm1, self.norm2 = BatchNormTokens(d), BatchNormTokens(d)
        self.ff1, self.ff2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        N, P, d = x.shape
        h = self.heads
        split = lambda t: t.view(N, P, h, d // h).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / (d // h) ** 0.5, dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(N, P, d)
        x = self.norm1(x + self.drop(self.o(ctx)))
        return self.norm2(x + self.drop(self.ff2(self.drop(F.gelu(self.ff1(x))))))


class PatchTST(nn.Module):
    def __init__(self, C, L, patch_len, stride, d, heads, layers, ff, dropout):
        super().__init__()
        self.patch_len, self.stride = patch_len, stride
        self.P = (L - patch_len) // stride + 2
        self.rev_w, self.rev_b = nn.Parameter(torch.ones(C)), nn.Parameter(torch.zeros(C))
        self.embed = nn.Linear(patch_len, d)
        self.pos = nn.Parameter(torch.empty(self.P, d).uniform_(-0.02, 0.02))
        self.layers = nn.ModuleList(EncoderLayer(d, heads, ff, dropout) for _ in range(layers))
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(C * d * self.P, 1)

    def forward(self, x):  # [B, L, C]
        B, L, C = x.shape
        mean = x.mean(1, keepdim=True)
        std = torch.sqrt(x.var(1, keepdim=True, unbiased=False) + 1e-5)
        x = (x - mean) / std * self.rev_w + self.rev_b
        x = x.permute(0, 2, 1)  # [B, C, L]
        x = torch.cat([x, x[:, :, -1:].expand(B, C, self.stride)], dim=2)
        patches = x.unfold(2, self.patch_len, self.stride)  # [B, C, P, patch_len]
        z = self.drop(self.embed(patches.reshape(B * C, self.P, self.patch_len)) + self.pos)
        for layer in self.layers:
            z = layer(z)
        return self.head(z.reshape(B, -1)).squeeze(-1)


def main():
    ap = argparse.ArgumentParser()
    for k, v in dict(d_model=64, layers=32, heads=2, d_ff=256, batch=256, context=60, channels=25, patch_len=16,
                     stride=8, steps=20, warmup=3, threads=2).items():
        ap.add_argument('--' + k.replace('_', '-'), type=int, default=v)
    ap.add_argument('--dropout', type=float, default=0.12)
    # take turns: wait for a line on stdin before each step, and print 'turn <seconds>' after it (tests/bench/turns.ts)
    ap.add_argument('--turns', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = PatchTST(a.channels, a.context, a.patch_len, a.stride, a.d_model, a.heads, a.layers, a.d_ff, a.dropout)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=1e-3)
    x = torch.randn(a.batch, a.context, a.channels)
    y = (torch.rand(a.batch) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(m(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        return loss.item()

    def timed(i, n, kind):
        if a.turns:
            sys.stdin.readline()
        t = time.perf_counter()
        step()
        dt = time.perf_counter() - t
        if a.turns:
            print(f'turn {dt}', flush=True)
        # on stderr, so that a case stopped for taking too long shows how far it got, and how fast
        print(f'{kind} step {i + 1}/{n}: {dt:.1f} s, peak RSS {peak_rss_mb():.0f} MB', file=sys.stderr, flush=True)
        return dt

    for i in range(a.warmup):
        timed(i, a.warmup, 'warm-up')
    dt = sum(timed(i, a.steps, 'timed') for i in range(a.steps))
    print(json.dumps({
        'backend': 'pytorch', 'torch': torch.__version__, 'threads': a.threads,
        'params': sum(p.numel() for p in m.parameters()), 'steps': a.steps,
        'steps_per_s': a.steps / dt, 'samples_per_s': a.steps * a.batch / dt,
        'peak_rss_mb': peak_rss_mb(),
        'blas': blas_in_use(),
    }))


def peak_rss_mb():
    """This process's peak RSS in MiB (getrusage ru_maxrss, KiB on Linux): what the node cases report."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def blas_in_use():
    """The BLAS library actually mapped into this process (Debian picks it via update-alternatives)."""
    with open('/proc/self/maps') as f:
        libs = {line.split()[-1] for line in f if 'blas' in line}
    return ', '.join(sorted(os.path.realpath(l).split('/lib/x86_64-linux-gnu/')[-1] for l in libs)) or 'unknown'


if __name__ == '__main__':
    main()
