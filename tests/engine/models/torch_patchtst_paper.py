"""Independent PyTorch reference for Ladder's `model=patchtst`, written after the module structure of the
paper's supervised code (Nie et al. 2023, PatchTST_supervised/layers/PatchTST_backbone.py and RevIN.py):
RevIN -> ReplicationPad1d((0, stride)) -> unfold -> TSTiEncoder (W_P, W_pos, dropout, TSTEncoder of
TSTEncoderLayer: _MultiheadAttention with W_Q/W_K/W_V, scaled dot-product attention with residual scores,
to_out = Linear + Dropout(proj_dropout), dropout_attn on the residual branch, norm_attn, ff = Linear, GELU,
Dropout, Linear, dropout_ffn, norm_ffn) -> a flatten head. The one deliberate change is the head: the paper
forecasts per channel with Flatten_Head (flatten d_model x patch_num, shared Linear), this classifier
flattens all channels into Linear(nvars * d_model * patch_num -> 1), as Ladder does.

Dropout masks are Ladder's (engine/step/dropout.ts): the n-th dropout call with p > 0 multiplies by
table[rates.index(p), offsets[n] : offsets[n] + numel], so both sides drop the same elements.

usage: python3 torch_patchtst_paper.py case.json out.json
case.json: {cfg, channels, x [B*L*C], y [B], params: [{name, shape, values}], buffers: [{name, shape, values}],
            dropout: {rates, width, table [R*width], offsets}}
out.json: {loss, grad (Ladder's flat layout), buffers (after the step, Ladder's layout), eval_logits, torch}
"""
import json
import sys

import torch
import torch.nn.functional as F
from torch import nn

torch.set_default_dtype(torch.float64)


class MaskStream:
    """Ladder's dropout masks, handed out in call order."""

    def __init__(self, spec):
        self.rates = spec['rates']
        self.width = spec['width']
        self.table = torch.tensor(spec['table'], dtype=torch.float64).view(len(self.rates), self.width) if self.rates else None
        self.offsets = spec['offsets']
        self.site = 0

    def mask(self, p, shape, numel):
        assert self.site < len(self.offsets), f'torch needs dropout mask #{self.site + 1}, Ladder has only {len(self.offsets)} dropout sites'
        row, off = self.rates.index(p), self.offsets[self.site]
        self.site += 1
        return self.table[row, off:off + numel].view(shape)


class Dropout(nn.Module):
    def __init__(self, p, stream):
        super().__init__()
        self.p, self.stream = p, stream

    def forward(self, x):
        if not self.training or self.p <= 0:
            return x
        return x * self.stream.mask(self.p, x.shape, x.numel())


class RevIN(nn.Module):
    def __init__(self, num_features, affine, eps=1e-5):
        super().__init__()
        self.eps, self.affine = eps, affine
        if affine:
            self.affine_weight = nn.Parameter(torch.ones(num_features))
            self.affine_bias = nn.Parameter(torch.zeros(num_features))

    def forward(self, x):  # [bs, seq_len, nvars]
        mean = x.mean(dim=1, keepdim=True).detach()
        stdev = torch.sqrt(x.var(dim=1, keepdim=True, unbiased=False) + self.eps).detach()
        x = (x - mean) / stdev
        return x * self.affine_weight + self.affine_bias if self.affine else x


class Transpose(nn.Module):
    def forward(self, x):
        return x.transpose(1, 2)


def make_norm(kind, d_model):
    return nn.Sequential(Transpose(), nn.BatchNorm1d(d_model), Transpose()) if kind == 'batch' else nn.LayerNorm(d_model)


class ScaledDotProductAttention(nn.Module):
    def __init__(self, d_model, n_heads, attn_dropout, stream):
        super().__init__()
        self.attn_dropout = Dropout(attn_dropout, stream)
        self.scale = (d_model // n_heads) ** -0.5

    def forward(self, q, k, v, prev):  # q [bs, h, q_len, d_k], k [bs, h, d_k, q_len], v [bs, h, q_len, d_v]
        scores = torch.matmul(q, k) * self.scale
        if prev is not None:
            scores = scores + prev
        weights = self.attn_dropout(F.softmax(scores, dim=-1))
        return torch.matmul(weights, v), scores


class MultiheadAttention(nn.Module):
    def __init__(self, d_model, n_heads, attn_dropout, proj_dropout, stream):
        super().__init__()
        self.n_heads, self.d_k = n_heads, d_model // n_heads
        self.W_Q, self.W_K, self.W_V = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.sdp_attn = ScaledDotProductAttention(d_model, n_heads, attn_dropout, stream)
        self.to_out = nn.Sequential(nn.Linear(d_model, d_model), Dropout(proj_dropout, stream))

    def forward(self, x, prev):
        bs, h, dk = x.size(0), self.n_heads, self.d_k
        q = self.W_Q(x).view(bs, -1, h, dk).transpose(1, 2)
        k = self.W_K(x).view(bs, -1, h, dk).permute(0, 2, 3, 1)
        v = self.W_V(x).view(bs, -1, h, dk).transpose(1, 2)
        out, scores = self.sdp_attn(q, k, v, prev)
        return self.to_out(out.transpose(1, 2).contiguous().view(bs, -1, h * dk)), scores


class EncoderLayer(nn.Module):
    def __init__(self, c, stream):
        super().__init__()
        d = c['d_model']
        self.res_attention = c['residual_attention']
        self.self_attn = MultiheadAttention(d, c['n_heads'], c['attn_dropout'], c['proj_dropout'], stream)
        self.dropout_attn = Dropout(c['dropout'], stream)
        self.norm_attn = make_norm(c['norm'], d)
        self.ff = nn.Sequential(nn.Linear(d, c['d_ff']), nn.GELU(), Dropout(c['dropout'], stream), nn.Linear(c['d_ff'], d))
        self.dropout_ffn = Dropout(c['dropout'], stream)
        self.norm_ffn = make_norm(c['norm'], d)

    def forward(self, src, prev):
        src2, scores = self.self_attn(src, prev if self.res_attention else None)
        src = self.norm_attn(src + self.dropout_attn(src2))
        src = self.norm_ffn(src + self.dropout_ffn(self.ff(src)))
        return src, scores


class TSTiEncoder(nn.Module):
    def __init__(self, c, patch_num, stream):
        super().__init__()
        self.W_P = nn.Linear(c['patch_len'], c['d_model'])
        self.W_pos = nn.Parameter(torch.empty(patch_num, c['d_model']).uniform_(-0.02, 0.02))
        self.dropout = Dropout(c['dropout'], stream)
        self.layers = nn.ModuleList(EncoderLayer(c, stream) for _ in range(c['n_layers']))

    def forward(self, x):  # [bs, nvars, patch_len, patch_num]
        n_vars = x.shape[1]
        x = self.W_P(x.permute(0, 1, 3, 2))  # [bs, nvars, patch_num, d_model]
        u = self.dropout(torch.reshape(x, (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])) + self.W_pos)
        scores = None
        for layer in self.layers:
            u, scores = layer(u, scores)
        z = torch.reshape(u, (-1, n_vars, u.shape[-2], u.shape[-1]))
        return z.permute(0, 1, 3, 2)  # [bs, nvars, d_model, patch_num]


class PatchTST(nn.Module):
    def __init__(self, c, n_vars, stream):
        super().__init__()
        self.c = c
        self.revin_layer = RevIN(n_vars, c['revin_affine']) if c['revin'] else None
        self.padding_patch_layer = nn.ReplicationPad1d((0, c['stride']))
        patch_num = (c['context_length'] - c['patch_len']) // c['stride'] + 2
        self.backbone = TSTiEncoder(c, patch_num, stream)
        self.flatten = nn.Flatten(start_dim=1)
        self.linear = nn.Linear(n_vars * c['d_model'] * patch_num, 1)
        self.head_dropout = Dropout(c['head_dropout'], stream)

    def forward(self, x):  # [bs, seq_len, nvars] -> logits [bs]
        if self.revin_layer is not None:
            x = self.revin_layer(x)
        z = self.padding_patch_layer(x.permute(0, 2, 1))
        z = z.unfold(dimension=-1, size=self.c['patch_len'], step=self.c['stride']).permute(0, 1, 3, 2)
        z = self.backbone(z)
        return self.head_dropout(self.linear(self.flatten(z))).squeeze(-1)


def torch_name(ladder):
    """Ladder parameter/buffer name -> this module's state_dict key."""
    parts = ladder.split('/')
    if parts[0] == 'revin':
        return 'revin_layer.affine_' + parts[1]
    if parts[0] == 'patch_embed':
        return 'backbone.W_P.' + parts[1]
    if parts[0] == 'pos_embed':
        return 'backbone.W_pos'
    if parts[0] == 'head':
        return 'linear.' + parts[1]
    layer = f'backbone.layers.{int(parts[0][3:])}.'
    if parts[1] == 'attn':
        sub = {'q_proj': 'W_Q', 'k_proj': 'W_K', 'v_proj': 'W_V', 'o_proj': 'to_out.0'}[parts[2]]
        return f'{layer}self_attn.{sub}.{parts[3]}'
    if parts[1] == 'ffn':
        return f"{layer}ff.{ {'fc1': 0, 'fc2': 3}[parts[2]] }.{parts[3]}"
    norm = {'norm1': 'norm_attn', 'norm2': 'norm_ffn'}[parts[1]]
    return f"{layer}{norm}.{'1.' if CFG['norm'] == 'batch' else ''}{parts[2]}"


def to_torch(name, shape, values, n_vars):
    """Ladder stores Linear weights [in, out] and the head over (channel, patch, d_model); torch wants [out, in] over (channel, d_model, patch)."""
    t = torch.tensor(values, dtype=torch.float64).view(shape)
    if name == 'head/weight':
        d = CFG['d_model']
        return t.view(n_vars, -1, d).permute(0, 2, 1).reshape(1, -1)
    return t.t() if name.endswith('/weight') and len(shape) == 2 else t


def to_ladder(name, shape, t, n_vars):
    """Inverse of to_torch, flattened."""
    if name == 'head/weight':
        d = CFG['d_model']
        return t.view(n_vars, d, -1).permute(0, 2, 1).reshape(-1)
    return (t.t() if name.endswith('/weight') and len(shape) == 2 else t).reshape(-1)


def main():
    global CFG
    case = json.load(open(sys.argv[1]))
    CFG = c = case['cfg']
    assert c['name'] == 'patchtst', 'the paper reference covers model=patchtst only'
    C = case['channels']
    stream = MaskStream(case['dropout'])
    model = PatchTST(c, C, stream)
    state = model.state_dict()
    for p in case['params'] + case['buffers']:
        key = torch_name(p['name'])
        value = to_torch(p['name'], p['shape'], p['values'], C)
        assert state[key].shape == value.shape, f"{p['name']} -> {key}: {tuple(value.shape)} vs {tuple(state[key].shape)}"
        state[key] = value
    ladder_keys = {torch_name(p['name']) for p in case['params'] + case['buffers']}
    missing = [k for k in state if k not in ladder_keys and not k.endswith('num_batches_tracked')]
    assert not missing, f'torch tensors Ladder has no counterpart for: {missing}'
    model.load_state_dict(state)

    x = torch.tensor(case['x'], dtype=torch.float64).view(-1, c['context_length'], C)
    y = torch.tensor(case['y'], dtype=torch.float64)
    model.train()
    loss = F.binary_cross_entropy_with_logits(model(x), y)
    loss.backward()
    assert stream.site == len(stream.offsets), f'torch used {stream.site} dropout masks, Ladder has {len(stream.offsets)} sites'
    named = dict(model.named_parameters())
    grad = torch.cat([to_ladder(p['name'], p['shape'], named[torch_name(p['name'])].grad, C) for p in case['params']])
    after = model.state_dict()
    buffers = torch.cat([after[torch_name(b['name'])].reshape(-1) for b in case['buffers']]) if case['buffers'] else torch.zeros(0)
    model.eval()
    with torch.no_grad():
        eval_logits = model(x)
    json.dump({'loss': loss.item(), 'grad': grad.tolist(), 'buffers': buffers.tolist(),
               'eval_logits': eval_logits.tolist(), 'torch': torch.__version__}, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
