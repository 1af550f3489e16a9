using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime.OpenCL;
using KernelGan.Kernels.Ilgpu;
using Xunit;

namespace KernelGan.Tests.Ilgpu;

/// <summary>
/// The source rewrite that lets ILGPU's OpenCL C build without the generic address space (PoCL 3.x):
/// checked on every kernel's generated source, no device needed, so a change in how ILGPU spells
/// generic pointers shows up here and not only as a build failure on PoCL.
/// </summary>
public class GlobalOnlyOpenCLTests
{
    [Fact]
    public void GenericPointersAndAtomicTargetsBecomeGlobal()
    {
        const string source = "typedef __generic float* type_62;\nx = atomic_fetch_add((atomic_uint*)p, 1u);\ny = atomic_compare_exchange_strong((atomic_int *)q, (int*)&v, 2);";
        string rewritten = GlobalOnlyOpenCL.DeclareGenericPointersGlobal(source);
        Assert.Equal("typedef global float* type_62;\nx = atomic_fetch_add((global atomic_uint*)p, 1u);\ny = atomic_compare_exchange_strong((global atomic_int*)q, (int*)&v, 2);", rewritten);
    }

    [Fact]
    public void NoKernelKeepsAGenericPointerAfterTheRewrite()
    {
        using var context = Context.Create(b => IlgpuDevices.GpuContextOptions(b));
        var capabilities = new CLCapabilityContext(true, true, true, true, true);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL30);
        int withGeneric = 0, withAtomics = 0;
        foreach (var method in KernelCatalog.EntryPoints())
        {
            var source = ((CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), default)).Source;
            if (source.Contains("__generic")) withGeneric++;
            if (Regex.IsMatch(source, @"\(atomic_\w+\s*\*\)")) withAtomics++;
            string rewritten = GlobalOnlyOpenCL.DeclareGenericPointersGlobal(source);
            Assert.DoesNotContain("__generic", rewritten);
            // Every atomic target cast names the global address space.
            Assert.DoesNotMatch(@"\((volatile\s+)?atomic_\w+\s*\*\)", rewritten);
        }
        // The patterns match what ILGPU emits today: views hold generic pointers, scatters use atomics.
        Assert.True(withGeneric >= 40, $"only {withGeneric} kernels declare a generic pointer");
        Assert.True(withAtomics >= 3, $"only {withAtomics} kernels cast an atomic target");
    }
}
