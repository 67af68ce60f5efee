"""PyTorch reference for test/bench/byol-quality.bench.ts.

The Quick CPU recipe, written the way a PyTorch user would: the same `small` ResNet
(CIFAR stem, one basic block per stage, widths 24/48/96/192, torchvision's init), heads
192→1024→256 and 256→1024→256, the light colour jitter, Adam at 1e-3 with 10% warm-up and
cosine decay, τ from 0.99 to 1, batch 64, 32 px crops of a 40 px copy of each image. It
trains for MINUTES of wall-clock time on THREADS CPU threads (a step-time probe sizes the
schedules, as ours does), and reports weighted kNN top-1 (k 20, T 0.1, leave-one-out,
cosine, parent folder = class) of the encoder before training and at EVALS points during it.

Usage: python3 byol_quality_torch.py DATASET_DIR MINUTES [THREADS=2] [EVALS=5] [SEED=0]
Progress goes to stderr; the last stdout line is JSON:
  {"random_init": x, "trained": y, "curve": [[minutes, top1], ...], "steps": n,
   "images_per_second": r, "threads": t}
Differences from ours that a PyTorch user gets by default: per-image torchvision
augmentation, and multiplicative brightness (ours is additive, as in the official code).
"""
import copy, glob, json, math, os, sys, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import torchvision.transforms as T
from PIL import Image

root, minutes = sys.argv[1], float(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
evals = int(sys.argv[4]) if len(sys.argv) > 4 else 5
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
torch.manual_seed(seed); torch.set_num_threads(threads)
log = lambda m: print(m, file=sys.stderr, flush=True)
SIZE, CACHE, BATCH, LR, TAU_BASE, HIDDEN, OUT = 32, 40, 64, 1e-3, 0.99, 1024, 256
EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')

# Images as a 40 px tensor (our pixel cache is 1.25× the training size); class = parent folder.
files = sorted(f for f in glob.glob(os.path.join(root, '**', '*'), recursive=True) if f.lower().endswith(EXTS))
folders = sorted({os.path.dirname(f) for f in files})
Y = torch.tensor([folders.index(os.path.dirname(f)) for f in files])
def load(f):
    im = Image.open(f).convert('RGB'); s = min(im.size); l, t = (im.width - s) // 2, (im.height - s) // 2
    return np.asarray(im.crop((l, t, l + s, t + s)).resize((CACHE, CACHE), Image.BILINEAR))
X = torch.tensor(np.stack([load(f) for f in files])).permute(0, 3, 1, 2).float() / 255
N = len(files)
X_EVAL = F.interpolate(X, size=SIZE, mode='bilinear', antialias=True, align_corners=False)
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1); STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

class Block(nn.Module):
    def __init__(s, i, o, stride):
        super().__init__()
        s.c1, s.b1 = nn.Conv2d(i, o, 3, stride, 1, bias=False), nn.BatchNorm2d(o)
        s.c2, s.b2 = nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o)
        s.skip = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o)) if stride != 1 or i != o else nn.Identity()
    def forward(s, x): return F.relu(s.b2(s.c2(F.relu(s.b1(s.c1(x))))) + s.skip(x))

def small_resnet(widths=(24, 48, 96, 192)):
    layers, i = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()], widths[0]
    for k, o in enumerate(widths): layers.append(Block(i, o, 1 if k == 0 else 2)); i = o
    net = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
    for m in net.modules():  # torchvision's ResNet init
        if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
    return net

def mlp(i, h, o): return nn.Sequential(nn.Linear(i, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Linear(h, o))

def knn_top1(enc):
    enc.eval()
    with torch.no_grad():
        f = F.normalize(torch.cat([enc((X_EVAL[i:i + 500] - MEAN) / STD) for i in range(0, N, 500)]), dim=1)
    enc.train()
    sim = f @ f.T; sim.fill_diagonal_(-2)
    v, ix = sim.topk(20, dim=1)
    votes = torch.zeros(N, len(folders), dtype=torch.float64).scatter_add_(1, Y[ix], (v.double() / 0.1).exp())
    return (votes.argmax(1) == Y).double().mean().item()

view = T.Compose([T.RandomResizedCrop(SIZE, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3), antialias=True), T.RandomHorizontalFlip(),
                  T.RandomApply([T.ColorJitter(0.2, 0.2, 0.1, 0.05)], p=0.8), T.RandomGrayscale(0.05)])
def augment(x, solarize_p):
    out = torch.stack([view(im) for im in x])
    m = torch.rand(len(x)) < solarize_p
    out[m] = torch.where(out[m] < 0.5, out[m], 1 - out[m])
    return (out - MEAN) / STD

encoder = small_resnet()
online = nn.Sequential(encoder, mlp(192, HIDDEN, OUT)); predictor = mlp(OUT, HIDDEN, OUT)
target = copy.deepcopy(online).requires_grad_(False)
params = list(online.parameters()) + list(predictor.parameters())
opt = torch.optim.Adam(params, lr=LR)

def byol_loss(p, z): return (2 - 2 * F.cosine_similarity(p, z.detach(), dim=-1)).mean()
def step(idx, lr, tau):
    for g in opt.param_groups: g['lr'] = lr
    xb = X[idx]; x = torch.cat([augment(xb, 0.0), augment(xb, 0.2)])
    with torch.no_grad(): z = target(x)
    p = predictor(online(x))
    loss = byol_loss(p[:BATCH], z[BATCH:]) + byol_loss(p[BATCH:], z[:BATCH])
    opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad():
        for po, pt in zip(online.parameters(), target.parameters()): pt.mul_(tau).add_(po, alpha=1 - tau)
        for bo, bt in zip(online.buffers(), target.buffers()): bt.copy_(bo)
    return loss.item()

def batches():
    while True:
        perm = torch.randperm(N)
        for s in range(0, N - BATCH + 1, BATCH): yield perm[s:s + BATCH]

random_init = knn_top1(encoder)
log(f'random-init kNN top-1 {100 * random_init:.2f}% ({N} images, {len(folders)} classes, {threads} threads)')

# Size the schedules from a probe of 3 steps on a throwaway copy, as our time-budgeted runs do.
saved = copy.deepcopy((online.state_dict(), predictor.state_dict(), target.state_dict(), opt.state_dict()))
feed = batches(); step(next(feed), 0.0, 1.0); t = time.perf_counter()
for _ in range(3): step(next(feed), 0.0, 1.0)
probe_ms = (time.perf_counter() - t) / 3 * 1000
for m, sd in zip((online, predictor, target, opt), saved): m.load_state_dict(sd)
total = max(1, int(minutes * 60_000 / (probe_ms * 1.05))); warm = min(10 * (N // BATCH), total // 10)
log(f'probe {probe_ms:.0f} ms/step: {minutes} min fits about {total} steps')

curve, trained_s, k, next_eval, feed = [], 0.0, 0, minutes * 60 / evals, batches()
while k < total and trained_s < minutes * 60:
    lr = LR * k / warm if k < warm else 0.5 * LR * (1 + math.cos(math.pi * (k - warm) / max(1, total - warm)))
    tau = 1 - (1 - TAU_BASE) * (math.cos(math.pi * k / total) + 1) / 2
    t = time.perf_counter(); loss = step(next(feed), lr, tau); trained_s += time.perf_counter() - t; k += 1
    if k % 50 == 0: log(f'step {k}/{total} loss {loss:.4f} {k * BATCH / trained_s:.1f} img/s')
    done = k >= total or trained_s >= minutes * 60
    if done or trained_s >= next_eval:  # evaluation time is not training time
        next_eval += minutes * 60 / evals
        curve.append([trained_s / 60, knn_top1(encoder)])
        log(f'kNN top-1 after {trained_s / 60:.1f} min: {100 * curve[-1][1]:.2f}%')
print(json.dumps({'random_init': random_init, 'trained': curve[-1][1], 'curve': curve, 'steps': k,
                  'images_per_second': k * BATCH / trained_s, 'threads': threads}))
