using ILGPU;
using ILGPU.Runtime;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// The tensor-core GEMM (<see cref="TensorCoreGemmKernel"/>), used for every GEMM, and so every
/// convolution, when the backend was opened with a TF32 or BF16 <see cref="Precision"/>. Planning,
/// batching and split-k are the fp32 path's (<see cref="GemmViews"/>); only the tile kernel differs.
/// </summary>
public sealed partial class IlgpuBackend
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArgs>?
        _tf32Gemm32, _tf32Gemm64, _tf32Gemm128, _bf16Gemm32, _bf16Gemm64, _bf16Gemm128;

    /// <summary>The multiplicands' format of every GEMM and convolution on this backend (fixed when it is opened).</summary>
    public GemmPrecision Precision { get; }

    /// <summary>
    /// Why this accelerator can't run <paramref name="precision"/>'s GEMM, or null if it can. The
    /// kernel's fragment layout assumes PTX's 32-lane warps: CUDA (sm_80 and later for the mma
    /// instructions) runs it on tensor cores, and ILGPU's CPU simulator, given 32-lane warps, runs the
    /// emulation. OpenCL is refused: its subgroup size varies by device and it has no tensor-core instructions.
    /// </summary>
    internal static string? PrecisionProblem(Accelerator accelerator, GemmPrecision precision)
    {
        if (precision == GemmPrecision.Fp32) return null;
        string name = precision.Name();
        return accelerator switch
        {
            ILGPU.Runtime.Cuda.CudaAccelerator cuda when cuda.Architecture is { } arch && arch.Major < 8 =>
                $"{name} needs tensor cores with TF32/BF16 (compute capability 8.0 or later); this GPU is {arch.Major}.{arch.Minor}",
            ILGPU.Runtime.Cuda.CudaAccelerator => null,
            _ when accelerator.AcceleratorType == AcceleratorType.OpenCL =>
                $"{name} runs on CUDA tensor cores (or emulated on ilgpu-cpu); OpenCL devices compute GEMMs in fp32 only",
            _ when accelerator.WarpSize != 32 =>
                $"{name}'s emulation needs 32-lane warps; this simulator has {accelerator.WarpSize}",
            _ => null,
        };
    }

    private void LaunchTensorGemm(GemmTileSize tile, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArgs args, int batch)
    {
        int size = (int)tile, warps = size / 32 * (size / 32);
        // The emulated mma's per-warp scratch (TensorMma.ScratchFloats); on CUDA the instruction needs none.
        var scratch = _accelerator.AcceleratorType == AcceleratorType.Cuda
            ? default : SharedMemoryConfig.RequestDynamic<float>(warps * TensorMma.ScratchFloats);
        var config = new KernelConfig(
            new Index3D((args.N + size - 1) / size, (args.M + size - 1) / size, batch * args.Splits),
            new Index3D(32 * warps, 1, 1), scratch);
        bool tf32 = Precision == GemmPrecision.Tf32;
        var launcher = tile switch
        {
            GemmTileSize.Tile32 => tf32 ? Launch(ref _tf32Gemm32, TensorCoreGemmKernel.Gemm<TensorTile32, Tf32Format>)
                                        : Launch(ref _bf16Gemm32, TensorCoreGemmKernel.Gemm<TensorTile32, Bf16Format>),
            GemmTileSize.Tile64 => tf32 ? Launch(ref _tf32Gemm64, TensorCoreGemmKernel.Gemm<TensorTile64, Tf32Format>)
                                        : Launch(ref _bf16Gemm64, TensorCoreGemmKernel.Gemm<TensorTile64, Bf16Format>),
            _ => tf32 ? Launch(ref _tf32Gemm128, TensorCoreGemmKernel.Gemm<TensorTile128, Tf32Format>)
                      : Launch(ref _bf16Gemm128, TensorCoreGemmKernel.Gemm<TensorTile128, Bf16Format>),
        };
        launcher(_stream, config, a, b, c, args);
    }
}
