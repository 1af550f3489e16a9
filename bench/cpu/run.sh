#!/usr/bin/env bash
# The CPU record behind bench/results/cpu-*.md: every vector path of the CPU backend beside
# numpy/OpenBLAS and PyTorch on the same machine, interleaved round by round so that ratios come
# from one run on a machine whose load drifts. Needs a Release build of src/Cli and, for the twins,
# Debian's python3-numpy, python3-torch and libopenblas0-pthread (apt-get install).
#
#   bash bench/cpu/run.sh [rounds] > bench/results/cpu-DATE.md
#
# Paths: the machine's widest; AVX2 (DOTNET_EnableAVX512=0; OpenBLAS via OPENBLAS_CORETYPE=Haswell,
# PyTorch via ATEN_CPU_CAPABILITY=avx2 and DNNL_MAX_CPU_ISA=AVX2); 128-bit (DOTNET_EnableAVX2=0).
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
kg="dotnet src/Cli/bin/Release/net10.0/kernelgan.dll"
py=/usr/bin/python3
threads=$(nproc)
last() { tail -n 1 | sed 's/^[^:]*: //'; }
avx2_env="DOTNET_EnableAVX512=0 OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 DNNL_MAX_CPU_ISA=AVX2"

echo "# CPU record, $(date -u +%Y-%m-%d)"
echo
echo '```'
lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|Flags)' | sed -E 's/^(Flags:\s+).*/\1'"$(grep -o -w 'avx2\|fma\|avx512f\|avx512bw\|avx512vl\|avx512_vnni\|avx512_bf16\|neon\|asimd' /proc/cpuinfo | sort -u | tr '\n' ' ')"'(vector flags only)/'
echo "kernelgan paths: native=$($kg devices | head -n 1 | sed 's/^cpu *//'), avx2=$(env $avx2_env $kg devices | head -n 1 | sed 's/^cpu *//'), 128=$(DOTNET_EnableAVX2=0 $kg devices | head -n 1 | sed 's/^cpu *//')"
echo "dotnet $(dotnet --version), python3 $($py -c 'import numpy, torch; print("numpy", numpy.__version__, "torch", torch.__version__)')"
echo '```'
echo
echo "Each round runs every row once, in this order; load average before the round in brackets."
echo
echo "| round (load) | what | native | AVX2 path | 128-bit path |"
echo "|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  # The roofline of the rows below: the CPU's multiply-add rate on each path, measured in the round.
  p_n=$($kg bench peak --device cpu | last)
  p_a=$(env $avx2_env $kg bench peak --device cpu | last)
  p_s=$(DOTNET_EnableAVX2=0 $kg bench peak --device cpu | last)
  echo "| $r ($load) | multiply-add peak (bench peak), GFLOP/s | $p_n | $p_a | $p_s |"
  g_n=$($kg bench gemm --n 1024 --device cpu | last)
  g_a=$(env $avx2_env $kg bench gemm --n 1024 --device cpu | last)
  g_s=$(DOTNET_EnableAVX2=0 $kg bench gemm --n 1024 --device cpu | last)
  echo "| $r | kernelgan GEMM 1024^3, GFLOP/s | $g_n | $g_a | $g_s |"
  o_n=$($py bench/cpu/numpy_gemm.py --n 1024 | last)
  o_a=$(env OPENBLAS_CORETYPE=Haswell $py bench/cpu/numpy_gemm.py --n 1024 | last)
  echo "| $r | numpy/OpenBLAS GEMM 1024^3, GFLOP/s | $o_n | $o_a | |"
  s_n=$($kg bench step --config ref64 --batch 32 --device cpu | last)
  s_a=$(env $avx2_env $kg bench step --config ref64 --batch 32 --device cpu | last)
  # The same warm-up as the other paths (150 steps): with one warm-up step the 128-bit figure
  # timed code the tiered JIT had not yet optimized. Fewer timed steps keep the round short.
  s_s=$(DOTNET_EnableAVX2=0 $kg bench step --config ref64 --batch 32 --steps 5 --device cpu | last)
  echo "| $r | kernelgan ref64 step, batch 32, ms | $s_n | $s_a | $s_s |"
  t_n=$($py bench/gpu/ref64_torch.py step --device cpu --threads "$threads" --batch 32 --steps 10 --warmup 3 | last)
  t_a=$(env $avx2_env $py bench/gpu/ref64_torch.py step --device cpu --threads "$threads" --batch 32 --steps 10 --warmup 3 | last)
  echo "| $r | PyTorch ref64 step, batch 32, ms | $t_n | $t_a | |"
  m_n=$($kg bench step --config small --size 32 --batch 32 --device cpu | last)
  m_a=$(env $avx2_env $kg bench step --config small --size 32 --batch 32 --device cpu | last)
  m_s=$(DOTNET_EnableAVX2=0 $kg bench step --config small --size 32 --batch 32 --device cpu | last)
  echo "| $r | kernelgan main-job step (small, 32 px, batch 32), ms | $m_n | $m_a | $m_s |"
done
