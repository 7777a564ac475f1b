#!/usr/bin/env python3
"""Optuna's MOTPE (TPESampler on a two-objective study, Optuna 3.1 from Debian's python3-optuna) on
the objective search_benchmark uses: every trial is a `perfnas trial` worker process training the
proposed architecture with the benchmark's fixed training settings; cost is `perfnas cost --json`.
Evaluations are memoized in OUT/objective.jsonl, shared with search_benchmark (same key: the
architecture's Table II notation), because the objective is deterministic per architecture.

    search_optuna.py --perfnas BUILD/app/perfnas --data DIR --out OUT [--seeds 5] [--trials 100] [--workers 2]

Writes OUT/optuna-<seed>.jsonl: one {"top1", "mfpops"} per finished trial in trial order.
"""
import argparse
import json
import os
import subprocess
import tempfile
import threading
import warnings

import optuna

# constant_liar is marked experimental in Optuna 3.1; it is what parallel workers need.
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def notation(spec):
    return " ".join("{%dx%d, %d}" % (u["kh"], u["kw"], u["filters"]) for u in spec["units"])


class Objective:
    def __init__(self, perfnas, data, out, config):
        self.perfnas = perfnas
        self.data = data
        self.config = config
        self.memo_file = os.path.join(out, "objective.jsonl")
        self.lock = threading.Lock()
        self.memo = {}
        if os.path.exists(self.memo_file):
            with open(self.memo_file) as memo:
                for line in memo:
                    if line.strip():
                        entry = json.loads(line)
                        self.memo[entry["key"]] = entry["top1"]
        self.evaluations = 0
        self.hits = 0

    def suggest(self, trial):
        seed = self.config["seed"]
        spec = {"name": "trial", "input": seed["input"], "classes": seed["classes"], "units": []}
        for index, (unit_space, seed_unit) in enumerate(zip(self.config["space"]["units"], seed["units"])):
            unit = {"stride": seed_unit.get("stride", [1, 1])}
            for param in ("kh", "kw", "filters"):
                domain = unit_space[param]
                name = "unit%d.%s" % (index + 1, param)
                if "frozen" in domain:
                    unit[param] = int(domain["frozen"])
                elif "choices" in domain:
                    unit[param] = int(trial.suggest_categorical(name, [int(v) for v in domain["choices"]]))
                else:
                    unit[param] = trial.suggest_int(name, int(domain["min"]), int(domain["max"]),
                                                    step=int(domain.get("step", 1)))
            spec["units"].append(unit)
        return spec

    def mfpops(self, spec, folder):
        path = os.path.join(folder, "spec.json")
        with open(path, "w") as out:
            json.dump(spec, out)
        result = subprocess.run([self.perfnas, "cost", path, "--json"], check=True, capture_output=True, text=True)
        return json.loads(result.stdout)["mfpops"]

    def __call__(self, trial):
        spec = self.suggest(trial)
        key = notation(spec)
        with tempfile.TemporaryDirectory() as folder:
            cost = self.mfpops(spec, folder)
            with self.lock:
                top1 = self.memo.get(key)
                if top1 is not None:
                    self.hits += 1
            if top1 is None:
                request = {"trial": trial.number, "spec": spec, "dataset": {"path": self.data},
                           "training": dict(self.config["training"], checkpoint_folder=os.path.join(folder, "ckpt"))}
                request_file = os.path.join(folder, "trial.json")
                result_file = os.path.join(folder, "result.json")
                with open(request_file, "w") as out:
                    json.dump(request, out)
                subprocess.run([self.perfnas, "trial", "--spec", request_file, "--out", result_file, "--quiet"],
                               check=True)
                with open(result_file) as result:
                    top1 = json.load(result)["result"]["validation_top1"]
                with self.lock:
                    self.evaluations += 1
                    self.memo[key] = top1
                    with open(self.memo_file, "a") as memo:
                        memo.write(json.dumps({"key": key, "top1": top1}) + "\n")
        trial.set_user_attr("mfpops", cost)
        return top1, cost


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--perfnas", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with open(os.path.join(args.out, "benchmark-config.json")) as config_file:
        config = json.load(config_file)
    objective = Objective(os.path.abspath(args.perfnas), os.path.abspath(args.data), args.out, config)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for seed in range(1, args.seeds + 1):
        # Optuna's MOTPE settings matching ours: 10 start-up trials, 24 EI candidates, constant liar
        # for parallel workers (the same worker count as ours).
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=10, n_ei_candidates=24, constant_liar=True)
        study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
        study.optimize(objective, n_trials=args.trials, n_jobs=args.workers)
        finished = sorted((t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE), key=lambda t: t.number)
        with open(os.path.join(args.out, "optuna-%d.jsonl" % seed), "w") as out:
            for t in finished:
                out.write(json.dumps({"top1": t.values[0], "mfpops": t.values[1]}) + "\n")
        print("optuna   seed %d: %d trials (memo: %d evaluations, %d hits so far)"
              % (seed, len(finished), objective.evaluations, objective.hits), flush=True)


if __name__ == "__main__":
    main()
