"""PyTorch eager fp32 side of the GPU comparison: the same measurements `kernelgan bench` makes.

    python3 bench/gpu/ref64_torch.py gemm --n 4096      # cuBLAS SGEMM (TF32 off)
    python3 bench/gpu/ref64_torch.py conv --batch 32    # ref64 conv layers, cuDNN fwd / data grad / weight grad
    python3 bench/gpu/ref64_torch.py step --batch 32    # one ref64 ILSGAN train step (DESIGN.md)
    python3 bench/gpu/ref64_torch.py step --device cpu --threads 2   # the CPU twin (bench/results/cpu-*)
    python3 bench/gpu/ref64_torch.py gemm --n 4096 --precision tf32   # the twin of `kernelgan ... --precision tf32`

This file is a measuring stick for bench/results/, not part of KernelGan: the project itself has no
Python. By default TF32 is switched off everywhere so both sides do fp32 arithmetic; cuDNN may pick
its fastest algorithms (benchmark mode), which is what a PyTorch user gets. --precision tf32 switches
TF32 on for cuBLAS and cuDNN (PyTorch's own switches); --precision bf16 runs the GEMM on bf16
tensors (cuBLAS accumulates in fp32, the output is bf16) and the conv layers and the step under
autocast to bf16, the nearest PyTorch has to `kernelgan --precision bf16` (bf16 inputs, fp32 sums).
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda")


PRECISION = "fp32"


def precision_label():
    return {"fp32": "fp32 (TF32 off)", "tf32": "TF32 on", "bf16": "bf16 autocast"}[PRECISION]


def set_precision(name):
    """The twin of kernelgan's --precision: TF32 through PyTorch's switches, bf16 through autocast."""
    global PRECISION
    PRECISION = name
    torch.backends.cuda.matmul.allow_tf32 = name == "tf32"
    torch.backends.cudnn.allow_tf32 = name == "tf32"


def autocast():
    return torch.autocast(dev.type, dtype=torch.bfloat16, enabled=PRECISION == "bf16")


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


def device_name():
    if dev.type == "cuda":
        return torch.cuda.get_device_name()
    return f"cpu, {torch.get_num_threads()} threads"


def gemm(args):
    n = args.n
    dtype = torch.bfloat16 if PRECISION == "bf16" else torch.float32
    a = torch.randn(n, n, device=dev, dtype=dtype)
    b = torch.randn(n, n, device=dev, dtype=dtype)
    times = []
    for i in range(args.warmup + args.steps):
        sync()
        t = time.perf_counter()
        torch.mm(a, b)
        sync()
        if i >= args.warmup:
            times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"torch gemm: {n}x{n}x{n} {precision_label()} on {device_name()}, median {med * 1e3:.2f} ms, best {min(times) * 1e3:.2f} ms")
    print(f"GFLOP/s: {2 * n ** 3 / med / 1e9:.1f}")


# (name, cin, cout, h_in, k, stride, pad) of each conv; generator layers as the conv they are the adjoint of.
def ref64_conv_layers():
    d = [("D1 3->32 64->32", 3, 32, 64, 4, 2, 1), ("D2 32->64 32->16", 32, 64, 32, 4, 2, 1),
         ("D3 64->128 16->8", 64, 128, 16, 4, 2, 1), ("D4 128->256 8->4", 128, 256, 8, 4, 2, 1),
         ("D5 256->1 4->1", 256, 1, 4, 4, 1, 0)]
    g = []
    for name, cin, cout, h, k, s, p in [("G1 128->256 1->4", 128, 256, 1, 4, 1, 0), ("G2 256->128 4->8", 256, 128, 4, 4, 2, 1),
                                         ("G3 128->64 8->16", 128, 64, 8, 4, 2, 1), ("G4 64->32 16->32", 64, 32, 16, 4, 2, 1),
                                         ("G5 32->4 32->64", 32, 4, 32, 4, 2, 1)]:
        hout = (h - 1) * s - 2 * p + k
        g.append((name, cout, cin, hout, k, s, p))
    return d + g


def time_calls(call, reps, warmup, burst=20):
    for _ in range(warmup):
        call()
    per_call = []
    for _ in range(reps):
        sync()
        t = time.perf_counter()
        for _ in range(burst):
            call()
        sync()
        per_call.append((time.perf_counter() - t) / burst * 1e3)
    return statistics.median(per_call)


def conv(args):
    n = args.batch
    print(f"torch conv: ref64 conv layers at batch {n}, {precision_label()} (ms per call, median of {args.steps} bursts of 20)")
    # bf16: the tensors themselves (the gradient helpers are outside autocast's lists).
    dtype = torch.bfloat16 if PRECISION == "bf16" else torch.float32
    print(f"  {'layer':<20} {'fwd':>9} {'bwd-data':>9} {'bwd-weight':>11}   GFLOP/s fwd/data/weight")
    total = 0.0
    for name, cin, cout, h, k, s, p in ref64_conv_layers():
        hout = (h + 2 * p - k) // s + 1
        x = (torch.rand(n, cin, h, h, device=dev) * 2 - 1).to(dtype)
        w = ((torch.rand(cout, cin, k, k, device=dev) * 2 - 1) * 0.1).to(dtype)
        b = torch.rand(cout, device=dev).to(dtype)
        gy = (torch.rand(n, cout, hout, hout, device=dev) * 2 - 1).to(dtype)
        fwd = time_calls(lambda: F.conv2d(x, w, b, s, p), args.steps, args.warmup)
        data = time_calls(lambda: torch.nn.grad.conv2d_input(x.shape, w, gy, s, p), args.steps, args.warmup)
        weight = time_calls(lambda: (torch.nn.grad.conv2d_weight(x, w.shape, gy, s, p), gy.sum((0, 2, 3))), args.steps, args.warmup)
        flops = 2.0 * n * cout * hout * hout * cin * k * k
        total += fwd + data + weight
        gf = [flops / (t * 1e-3) / 1e9 for t in (fwd, data, weight)]
        print(f"  {name:<20} {fwd:9.4f} {data:9.4f} {weight:11.4f}   {gf[0]:.0f}/{gf[1]:.0f}/{gf[2]:.0f}")
    print(f"total ms (all layers, three kernels each): {total:.3f}")


class Branch(nn.Sequential):
    """ref64 generator branch: z (128x1x1) -> 4 -> 8 -> 16 -> 32 -> 64, ConvT+BN+ReLU, last ConvT bare."""

    def __init__(self, out_channels, z=128, width=32):
        chans = [z, width * 8, width * 4, width * 2, width]
        layers = [nn.ConvTranspose2d(chans[0], chans[1], 4, 1, 0), nn.BatchNorm2d(chans[1]), nn.ReLU()]
        for a, b in zip(chans[1:-1], chans[2:]):
            layers += [nn.ConvTranspose2d(a, b, 4, 2, 1), nn.BatchNorm2d(b), nn.ReLU()]
        layers.append(nn.ConvTranspose2d(chans[-1], out_channels, 4, 2, 1))
        super().__init__(*layers)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fg = Branch(4)
        self.bg = Branch(3)

    def forward(self, zf, zb):
        f = self.fg(zf)
        return torch.tanh(f[:, :3]), torch.sigmoid(f[:, 3:]), torch.tanh(self.bg(zb))


def discriminator(width=32):
    chans = [3, width, width * 2, width * 4, width * 8]
    layers = []
    for a, b in zip(chans, chans[1:]):
        layers += [nn.Conv2d(a, b, 4, 2, 1), nn.LeakyReLU(0.2)]
    layers.append(nn.Conv2d(chans[-1], 1, 4, 1, 0))
    return nn.Sequential(*layers)


def shift(t, dx, dy):
    """Per-image whole-pixel translation with zero fill, vectorized with two gathers."""
    n, c, h, w = t.shape
    xs = torch.arange(w, device=dev)[None, :] - dx[:, None]
    ys = torch.arange(h, device=dev)[None, :] - dy[:, None]
    valid = ((xs >= 0) & (xs < w))[:, None, None, :] & ((ys >= 0) & (ys < h))[:, None, :, None]
    xs = xs.clamp(0, w - 1)[:, None, None, :].expand(n, c, h, w)
    t = torch.gather(t, 3, xs)
    ys = ys.clamp(0, h - 1)[:, None, :, None].expand(n, c, h, w)
    return torch.gather(t, 2, ys) * valid


def club(x, y, perm):
    n = x.shape[0]
    d = x[0].numel()
    matched = (x - y).abs().reshape(n, -1).sum(1) / d
    shuffled = (x[perm] - y).abs().reshape(n, -1).sum(1) / d
    return shuffled.mean() - matched.mean()


def step(args):
    n = args.batch
    g, d = Generator().to(dev), discriminator().to(dev)
    g_ema = Generator().to(dev)
    g_ema.load_state_dict(g.state_dict())
    opt_g = torch.optim.Adam(g.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(n, 3, 64, 64, device=dev) * 2 - 1
    ema_beta = 0.5 ** (n / 2000)

    def train_step():
        with autocast():
            return train_step_body()

    def train_step_body():
        zf = torch.randn(n, 128, 1, 1, device=dev)
        zb = torch.randn(n, 128, 1, 1, device=dev)
        fg, m, bg = g(zf, zb)
        dx = torch.randint(-8, 9, (n,), device=dev)
        dy = torch.randint(-8, 9, (n,), device=dev)
        ms, fs = shift(m, dx, dy), shift(fg, dx, dy)
        fake = ms * fs + (1 - ms) * bg
        # D step
        opt_d.zero_grad(set_to_none=True)
        loss_d = F.softplus(-d(real)).mean() + F.softplus(d(fake.detach())).mean()
        loss_d.backward()
        opt_d.step()
        # G step (D's weights get no gradient)
        for p in d.parameters():
            p.requires_grad_(False)
        opt_g.zero_grad(set_to_none=True)
        adversarial = F.softplus(-d(fake)).mean()
        binarization = torch.minimum(m, 1 - m).mean()
        area = F.relu(0.25 - m.mean())
        perm = (torch.arange(n, device=dev) + torch.randint(1, n, (1,), device=dev)) % n
        leakage = club(bg * m, fg * m, perm) + club(fg * (1 - m), bg * (1 - m), perm)
        loss_g = adversarial + 2 * binarization + area + 1.0 * leakage
        loss_g.backward()
        opt_g.step()
        for p in d.parameters():
            p.requires_grad_(True)
        with torch.no_grad():
            for pe, p in zip(g_ema.parameters(), g.parameters()):
                pe.lerp_(p, 1 - ema_beta)
            for be, b in zip(g_ema.buffers(), g.buffers()):
                be.copy_(b)
        # The losses are logged every step, as `kernelgan bench step` downloads them.
        return torch.stack([loss_d.detach(), loss_g.detach()]).tolist()

    times = []
    for i in range(args.warmup + args.steps):
        sync()
        t = time.perf_counter()
        loss_d, loss_g = train_step()
        sync()
        ms = (time.perf_counter() - t) * 1e3
        if i >= args.warmup:
            times.append(ms)
    print(f"torch step: ref64 at 64x64, batch {n}, eager {precision_label()}, {device_name()}")
    print(f"  G {sum(p.numel() for p in g.parameters()):,} parameters, D {sum(p.numel() for p in d.parameters()):,}")
    print(f"  mean {statistics.mean(times):.2f} ms, min {min(times):.2f} ms, max {max(times):.2f} ms over {len(times)} steps")
    print(f"ms/step: {statistics.median(times):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["gemm", "conv", "step"])
    parser.add_argument("--n", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    parser.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="fp32",
                        help="fp32 (TF32 off, the reference), tf32 (TF32 on in cuBLAS/cuDNN) or bf16 (autocast)")
    a = parser.parse_args()
    dev = torch.device(a.device)
    set_precision(a.precision)
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    {"gemm": gemm, "conv": conv, "step": step}[a.what](a)
