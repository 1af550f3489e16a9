namespace KernelGan.Kernels;

/// <summary>A device that was asked for but can't be used; the message is one line saying which and why.</summary>
public sealed class DeviceException(string message) : Exception(message);
