namespace KernelGan.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("kernelgan: no commands yet");
        return 2;
    }
}
