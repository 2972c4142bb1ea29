"""PyTorch side of tests/bench/engine_torch_check.ts: replays the engine's float64 run in eager PyTorch and
prints the largest relative differences of the per-step losses, final parameters and BatchNorm buffers."""
import json, math, sys
import torch
from torch import nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
d = json.load(open(sys.argv[1]))
h = d['hyper']
P = {p['name']: p for p in d['params']}


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(6, 16), nn.Linear(16, 1)
        self.bn, self.ln = nn.BatchNorm1d(16), nn.LayerNorm(16)

    def forward(self, x):
        return self.fc2(F.relu(self.ln(self.bn(F.gelu(self.fc1(x)))))).squeeze(-1)


model = Mlp()
# The engine stores Linear weights [in, out]; PyTorch keeps [out, in].
to_torch = {
    'fc1/weight': (model.fc1.weight, True), 'fc1/bias': (model.fc1.bias, False),
    'bn/weight': (model.bn.weight, False), 'bn/bias': (model.bn.bias, False),
    'ln/weight': (model.ln.weight, False), 'ln/bias': (model.ln.bias, False),
    'fc2/weight': (model.fc2.weight, True), 'fc2/bias': (model.fc2.bias, False),
}
def engine_value(name, key):
    t = torch.tensor(P[name][key], dtype=torch.float64).reshape(P[name]['shape'])
    return t.T if to_torch[name][1] else t

with torch.no_grad():
    for name, (param, _) in to_torch.items():
        param.copy_(engine_value(name, 'init'))
decay = [to_torch[n][0] for n in to_torch if P[n]['decay']]
no_decay = [to_torch[n][0] for n in to_torch if not P[n]['decay']]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': h['weightDecay']}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=h['lr'], betas=(h['beta1'], h['beta2']), eps=h['eps'])
rel = lambda a, b: abs(a - b) / max(abs(b), 1e-12)
worst_loss = 0.0
for step, (b, lr) in enumerate(zip(d['batches'], d['lrs'])):
    for g in opt.param_groups:
        g['lr'] = lr
    x = torch.tensor(b['x'], dtype=torch.float64).reshape(-1, 6)
    y = torch.tensor(b['y'], dtype=torch.float64)
    loss = F.binary_cross_entropy_with_logits(model(x), y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), h['gradClip'])
    opt.step()
    worst_loss = max(worst_loss, rel(d['losses'][step], loss.item()))
worst_param = max(((engine_value(n, 'final') - p.detach()).abs().max() / p.detach().abs().max()).item() for n, (p, _) in to_torch.items())
buf = {b['name']: torch.tensor(b['final'], dtype=torch.float64) for b in d['buffers']}
worst_buf = max((buf['bn/running_mean'] - model.bn.running_mean).abs().max().item(), (buf['bn/running_var'] - model.bn.running_var).abs().max().item())
print(json.dumps({'steps': len(d['losses']), 'torch': torch.__version__, 'first_loss': d['losses'][0], 'last_loss': d['losses'][-1],
                  'max_rel_loss_diff': worst_loss, 'max_rel_param_diff': worst_param, 'max_abs_buffer_diff': worst_buf}))
sys.exit(0 if worst_loss < 1e-9 and worst_param < 1e-9 and worst_buf < 1e-9 else 1)
