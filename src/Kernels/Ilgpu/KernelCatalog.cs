using System.Reflection;
using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Every kernel entry point of the ILGPU backend, found by reflection (so a new kernel is covered
/// without registering it): the void static methods of the *Kernel(s) classes whose parameters
/// are all views or argument structs. The generic GEMM appears once per tile configuration.
/// Used to compile the whole backend for CUDA on machines without a GPU.
/// </summary>
internal static class KernelCatalog
{
    public static IReadOnlyList<MethodInfo> EntryPoints()
    {
        var tiles = typeof(IGemmTile).Assembly.GetTypes()
            .Where(t => t.IsValueType && typeof(IGemmTile).IsAssignableFrom(t)).OrderBy(t => t.Name).ToArray();
        var result = new List<MethodInfo>();
        foreach (var type in typeof(KernelCatalog).Assembly.GetTypes()
                     .Where(t => t.Namespace == typeof(KernelCatalog).Namespace && t.IsAbstract && t.IsSealed
                                 && (t.Name.EndsWith("Kernels") || t.Name.EndsWith("Kernel")))
                     .OrderBy(t => t.Name))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).OrderBy(m => m.Name))
            {
                if (method.ReturnType != typeof(void) || !method.GetParameters().All(IsKernelParameter)) continue;
                if (method.IsGenericMethodDefinition) result.AddRange(tiles.Select(t => method.MakeGenericMethod(t)));
                else result.Add(method);
            }
        }
        return result;
    }

    private static bool IsKernelParameter(ParameterInfo p) =>
        (p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>))
        || (p.ParameterType.IsValueType && p.ParameterType.Name.EndsWith("Args"));

    public static string Describe(MethodInfo method) =>
        method.IsGenericMethod ? $"{method.DeclaringType!.Name}.{method.Name}<{method.GetGenericArguments()[0].Name}>" : $"{method.DeclaringType!.Name}.{method.Name}";
}
