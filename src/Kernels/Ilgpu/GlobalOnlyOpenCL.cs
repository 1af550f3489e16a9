using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Runs ILGPU's OpenCL kernels on devices without the generic address space, such as PoCL 3.x's
/// CPU device (Debian 12's pocl-opencl-icd): it reports CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT =
/// false, and its compiler front end keeps OpenCL C 1.2's language defaults whatever -cl-std says,
/// so it rejects `__generic` even under -cl-std=CL2.0 (PoCL 4.0 added generic-address-space support
/// to its CPU devices). ILGPU 1.5.3 filters such devices out and its accelerator refuses them,
/// because its generated C stores every ArrayView as a struct holding a `__generic T*`.
/// <para>
/// Our kernels only build views over global buffers (shared memory is addressed through its own
/// `local` pointers, which ILGPU infers), so the generic pointer type can be declared `global`
/// instead. That is safe to try: OpenCL C forbids converting a pointer between address spaces,
/// so a kernel that did put a `local` or `private` pointer into a view fails to build (the error
/// names the kernel; PoCL prints the build log with POCL_DEBUG=err); it cannot run wrongly.
/// </para>
/// The two places that reach ILGPU internals (the capability setter, the compiled kernel's entry
/// point) are pinned to ILGPU 1.5.3, the version the project references; a change there fails the
/// PoCL tests rather than silently working differently.
/// </summary>
internal static class GlobalOnlyOpenCL
{
    /// <summary>ILGPU's spelling of a generic pointer typedef: `typedef __generic float* type_62;`.</summary>
    private static readonly Regex GenericQualifier = new(@"\b__generic\b", RegexOptions.Compiled);

    /// <summary>
    /// ILGPU's cast of an atomic operation's target, unqualified (generic in OpenCL C 2.0+):
    /// `atomic_compare_exchange_strong((atomic_uint*)p, ...)`; `(atomic_uint*)` would mean private here.
    /// </summary>
    private static readonly Regex UnqualifiedAtomicCast = new(@"\((atomic_\w+)\s*\*\)", RegexOptions.Compiled);

    /// <summary>What the device lacks, for messages: null when it has the generic address space.</summary>
    public static string? Lack(CLDevice device) =>
        device.Capabilities.GenericAddressSpace
            ? null
            : "no generic address space (CL_DEVICE_GENERIC_ADDRESS_SPACE_SUPPORT = false)";

    /// <summary>
    /// Lets ILGPU create an accelerator for <paramref name="device"/> although it lacks the generic
    /// address space (ILGPU's constructor checks this capability; its setter is internal).
    /// Kernels for it must then be loaded with <see cref="Load{TDelegate}"/>.
    /// </summary>
    public static void AdmitDevice(CLDevice device)
    {
        var setter = typeof(CLCapabilityContext).GetProperty(nameof(CLCapabilityContext.GenericAddressSpace))?.GetSetMethod(nonPublic: true)
            ?? throw new DeviceException("device 'opencl': this ILGPU version has no GenericAddressSpace capability to set (expected ILGPU 1.5.3)");
        setter.Invoke(device.Capabilities, [true]);
    }

    /// <summary>
    /// Compiles an explicitly grouped kernel with ILGPU's OpenCL backend, declares its generic
    /// pointers global, and loads it: the launcher takes (stream, config, arguments...) like
    /// ILGPU's own LoadKernel. The returned kernel object owns the device program (the accelerator
    /// disposes it).
    /// </summary>
    public static TDelegate Load<TDelegate>(CLAccelerator accelerator, Delegate kernel) where TDelegate : Delegate
    {
        var compiled = (CLCompiledKernel)accelerator.CompileKernel(
            EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method), KernelSpecialization.Empty);
        var patched = new CLCompiledKernel(compiled.Context, EntryPointOf(compiled), compiled.Info,
            DeclareGenericPointersGlobal(compiled.Source), compiled.CVersion);
        try
        {
            return accelerator.LoadKernel(patched).CreateLauncherDelegate<TDelegate>();
        }
        catch (CLException e)
        {
            throw new DeviceException(
                $"{accelerator.Name}: kernel {kernel.Method.Name} did not build for a device without the generic address space ({e.Error}); run with POCL_DEBUG=err for the build log");
        }
    }

    /// <summary>The OpenCL C source with every `__generic` qualifier, and the atomic targets' implicit one, made `global`.</summary>
    internal static string DeclareGenericPointersGlobal(string source) =>
        UnqualifiedAtomicCast.Replace(GenericQualifier.Replace(source, "global"), "(global $1*)");

    private static SeparateViewEntryPoint EntryPointOf(CLCompiledKernel compiled) =>
        typeof(CLCompiledKernel).GetProperty("EntryPoint", BindingFlags.Instance | BindingFlags.NonPublic, null,
                typeof(SeparateViewEntryPoint), Type.EmptyTypes, null)?.GetValue(compiled) as SeparateViewEntryPoint
        ?? throw new DeviceException("device 'opencl': this ILGPU version's compiled kernels have no entry point to reuse (expected ILGPU 1.5.3)");
}
