"""Baseline for `mechnn bench sine`: the same neural ODE (2->64->2 tanh MLP, learnable z0 = (0, 1)), the same data
(exported by `mechnn bench sine --export DIR`), the same optimiser (Adam, lr 1e-2, fresh noisy target each
iteration), integrated with torchdiffeq's fixed-grid RK4 through the adjoint method. Times every iteration with
the device synchronised and reports the median and the final MSE, as JSON.

usage: python3 torchdiffeq_sine.py --data DIR [--iterations N] [--device cuda|cpu] [--out FILE] [--no-adjoint]
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
import torchdiffeq


class Field(torch.nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 2))

    def forward(self, t, z):
        return self.net(z)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--out")
    parser.add_argument("--no-adjoint", action="store_true")
    args = parser.parse_args()

    dev = torch.device(args.device)
    times = torch.from_numpy(np.fromfile(f"{args.data}/times.f64", dtype=np.float64)).to(dev)
    clean = torch.from_numpy(np.fromfile(f"{args.data}/clean.f64", dtype=np.float64)).to(dev)
    targets = torch.from_numpy(np.fromfile(f"{args.data}/targets.f64", dtype=np.float64)).reshape(-1, times.numel()).to(dev)
    iterations = min(args.iterations, targets.shape[0])

    torch.manual_seed(0)
    field = Field().double().to(dev)
    z0 = torch.nn.Parameter(torch.tensor([0.0, 1.0], dtype=torch.float64, device=dev))
    optimiser = torch.optim.Adam(list(field.parameters()) + [z0], lr=1e-2)
    odeint = torchdiffeq.odeint if args.no_adjoint else torchdiffeq.odeint_adjoint
    extra = {} if args.no_adjoint else {"adjoint_params": tuple(field.parameters())}

    def predict():
        # z0 is a leaf of its own: the adjoint returns its gradient through the initial state.
        return odeint(field, z0, times, method="rk4", **extra)[:, 0]

    laps, first = [], None
    for i in range(iterations):
        if dev.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        optimiser.zero_grad()
        loss = ((predict() - targets[i]) ** 2).mean()
        loss.backward()
        optimiser.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        laps.append((time.perf_counter() - start) * 1000)
        first = loss.item() if first is None else first
        print(f"iteration {i}: {laps[-1]:.1f} ms, MSE {loss.item():.4f}", flush=True)
        if args.out and (i + 1) % 10 == 0:  # partial results survive a time limit
            with open(args.out, "w") as handle:
                json.dump({"partial": True, "iterations_done": i + 1, "median_iteration_ms": statistics.median(laps),
                           "last_mse": loss.item()}, handle, indent=2)

    with torch.no_grad():
        fit = predict()
        result = {
            "model": "torchdiffeq odeint" + ("" if args.no_adjoint else "_adjoint") + " rk4, 2->64->2 tanh MLP",
            "device": torch.cuda.get_device_name() if dev.type == "cuda" else "cpu",
            "torch": torch.__version__, "iterations": iterations, "points": times.numel(),
            "median_iteration_ms": statistics.median(laps), "first_mse": first,
            "final_noisy_mse": ((fit - targets[iterations - 1]) ** 2).mean().item(),
            "final_clean_mse": ((fit - clean) ** 2).mean().item(),
        }
    print(json.dumps(result, indent=2))
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
