#!/bin/bash
# The GPU record in bench/results/h100-*.md: correctness first, then each KernelGan benchmark beside
# its PyTorch twin (bench/gpu/ref64_torch.py). For a machine without the .NET SDK: publish here,
#   dotnet publish src/Cli -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#     -p:EnableCompressionInSingleFile=true -o publish
# copy the repository with publish/ to the GPU machine, and run from its root:
#   bash bench/gpu/run.sh [sections...]          (default: all of env selftest gemm conv step32 step128 loop32 loop64)
# Sections: env, selftest-tiny, selftest, gemm, conv, step32, step128, loop32, loop64 (the training loop's
# steps/s beside the bare step's, ref64 at batch 32 on synthetic data, with the pre-issue-17 baseline; set
# LOOP_DATA=DIR to also time it on a folder with images/), profile32, profile128 (per-kernel
# breakdown, ours only), ncu-step128 (Nsight Compute kernel durations of two steps, into $LOGDIR).
# Tensor cores (--precision; not in the default list until first measured): selftest-tensor (the
# tf32 and bf16 GEMMs against the fp32 one, within the formats' rounding: run it first), gemm-tf32, gemm-bf16,
# conv-tf32, step128-tf32, step128-bf16 (each beside PyTorch with TF32 on / bf16 autocast), and
# mainjob-precision (the README main job at fp32 and at tf32, same seed: the IoU lines to compare).
# Output goes to the terminal and to $LOGDIR/log.txt (LOGDIR defaults to bench/gpu/logs).
set -o pipefail
B=${B:-publish/kernelgan}
TORCH=bench/gpu/ref64_torch.py
LOGDIR=${LOGDIR:-${OUT:-bench/gpu/logs}}
mkdir -p "$LOGDIR"
LOG=$LOGDIR/log.txt
export PYTHONUNBUFFERED=1
[ -x "$B" ] || { echo "run.sh: no kernelgan binary at $B (publish it first, see the top of this file)" >&2; exit 2; }
run() { local t=$1; shift; echo "=== $* ($(date +%T))" | tee -a "$LOG"; timeout "$t" "$@" 2>&1 | tee -a "$LOG"; echo "--- rc=$? ($(date +%T))" | tee -a "$LOG"; }
ncu_bin() { command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1; }
sections=${*:-env selftest gemm conv step32 step128 loop32 loop64}
# bench loop: 150 warm-up steps (tiered JIT) per figure, then 3 rounds of 100 timed steps, the figures in turns.
loop() { run 300 "$B" bench loop --device cuda --config ref64 --size "$1" --batch 32 --steps 100 --rounds 3 --warmup 150 --baseline
         [ -n "$LOOP_DATA" ] && run 300 "$B" bench loop --device cuda --config ref64 --size "$1" --batch 32 --steps 100 --rounds 3 --warmup 150 --data "$LOOP_DATA"; }
for s in $sections; do case $s in
  env) run 20 nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv
       run 20 python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())"
       run 60 "$B" devices ;;
  selftest-tiny) run 150 "$B" selftest --device cuda --scale tiny --steps 3 --batch 8 ;;
  selftest) run 200 "$B" selftest --device cuda --scale realistic --steps 5 --batch 32 ;;
  gemm) run 60 "$B" bench gemm --device cuda --n 4096 --steps 10 --warmup 3
        run 60 python3 $TORCH gemm --n 4096 --steps 10 --warmup 3 ;;
  conv) run 120 "$B" bench conv --device cuda --batch 32 --steps 10 --warmup 3
        run 60 python3 $TORCH conv --batch 32 --steps 10 --warmup 3 ;;
  step32) run 120 "$B" bench step --device cuda --batch 32 --steps 20 --warmup 150
          run 60 python3 $TORCH step --batch 32 ;;
  step128) run 120 "$B" bench step --device cuda --batch 128 --steps 20 --warmup 150
           run 60 python3 $TORCH step --batch 128 ;;
  loop32) loop 32 ;;
  loop64) loop 64 ;;
  selftest-tensor) run 120 "$B" selftest --device cuda --precision tf32 --scale realistic
                   run 120 "$B" selftest --device cuda --precision bf16 --scale realistic ;;
  gemm-tf32) run 60 "$B" bench gemm --device cuda --n 4096 --steps 10 --warmup 3 --precision tf32
             run 60 python3 $TORCH gemm --n 4096 --steps 10 --warmup 3 --precision tf32 ;;
  gemm-bf16) run 60 "$B" bench gemm --device cuda --n 4096 --steps 10 --warmup 3 --precision bf16
             run 60 python3 $TORCH gemm --n 4096 --steps 10 --warmup 3 --precision bf16 ;;
  conv-tf32) run 120 "$B" bench conv --device cuda --batch 32 --steps 10 --warmup 3 --precision tf32
             run 60 python3 $TORCH conv --batch 32 --steps 10 --warmup 3 --precision tf32 ;;
  step128-tf32) run 120 "$B" bench step --device cuda --batch 128 --steps 20 --warmup 150 --precision tf32
                run 60 python3 $TORCH step --batch 128 --precision tf32
                run 60 python3 $TORCH step --batch 128 ;;
  step128-bf16) run 120 "$B" bench step --device cuda --batch 128 --steps 20 --warmup 150 --precision bf16
                run 60 python3 $TORCH step --batch 128 --precision bf16 ;;
  mainjob-precision) for p in fp32 tf32; do
                       run 1800 "$B" train --device cuda --precision $p --seed 1 --out "$LOGDIR/mainjob-$p"
                     done ;;
  profile32) run 120 "$B" bench profile --device cuda --batch 32 --steps 10 --warmup 3 ;;
  profile128) run 120 "$B" bench profile --device cuda --batch 128 --steps 10 --warmup 3 ;;
  ncu-step128) run 300 "$(ncu_bin)" --clock-control none --metrics gpu__time_duration.sum --csv \
                 --log-file "$LOGDIR/ncu.log" "$B" bench step --device cuda --batch 128 --steps 2 --warmup 2 ;;
  *) echo "run.sh: unknown section '$s'" | tee -a "$LOG" ;;
esac; done
echo "=== all done $(date +%T)" | tee -a "$LOG"
