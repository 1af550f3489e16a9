using System.Reflection;
using ILGPU;

namespace KernelGan.Kernels.Ilgpu;

/// <summary>
/// Every kernel entry point of the ILGPU backend, found by reflection (so a new kernel is covered
/// without registering it): the void static methods of the *Kernel(s) classes whose parameters
/// are all views or argument structs. A generic kernel appears once per combination of the
/// structs its type parameters' interfaces admit (each GEMM tile, each tensor-core format).
/// Used to compile the whole backend for CUDA on machines without a GPU.
/// </summary>
internal static class KernelCatalog
{
    public static IReadOnlyList<MethodInfo> EntryPoints()
    {
        var result = new List<MethodInfo>();
        foreach (var type in typeof(KernelCatalog).Assembly.GetTypes()
                     .Where(t => t.Namespace == typeof(KernelCatalog).Namespace && t.IsAbstract && t.IsSealed
                                 && (t.Name.EndsWith("Kernels") || t.Name.EndsWith("Kernel")))
                     .OrderBy(t => t.Name))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).OrderBy(m => m.Name))
            {
                if (method.ReturnType != typeof(void) || !method.GetParameters().All(IsKernelParameter)) continue;
                if (!method.IsGenericMethodDefinition)
                {
                    result.Add(method);
                    continue;
                }
                IEnumerable<Type[]> combinations = [[]];
                foreach (var parameter in method.GetGenericArguments())
                {
                    var fits = Implementations(parameter);
                    combinations = combinations.SelectMany(prefix => fits.Select(t => prefix.Append(t).ToArray()));
                }
                result.AddRange(combinations.Select(types => method.MakeGenericMethod(types)));
            }
        }
        return result;
    }

    /// <summary>The structs of this assembly that implement every interface <paramref name="parameter"/> is constrained to.</summary>
    private static Type[] Implementations(Type parameter)
    {
        var interfaces = parameter.GetGenericParameterConstraints().Where(c => c.IsInterface).ToArray();
        return typeof(KernelCatalog).Assembly.GetTypes()
            .Where(t => t.IsValueType && !t.IsGenericType && interfaces.Length > 0 && interfaces.All(i => i.IsAssignableFrom(t)))
            .OrderBy(t => t.Name).ToArray();
    }

    private static bool IsKernelParameter(ParameterInfo p) =>
        (p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>))
        || (p.ParameterType.IsValueType && p.ParameterType.Name.EndsWith("Args"));

    public static string Describe(MethodInfo method) =>
        method.IsGenericMethod
            ? $"{method.DeclaringType!.Name}.{method.Name}<{string.Join(",", method.GetGenericArguments().Select(t => t.Name))}>"
            : $"{method.DeclaringType!.Name}.{method.Name}";
}
