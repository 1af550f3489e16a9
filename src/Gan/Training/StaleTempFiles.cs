using System.Diagnostics;

namespace KernelGan.Gan.Training;

/// <summary>
/// Removes the temp files a killed process left behind. Checkpoints and other run files are
/// written to ".NAME.PID[.GUID].tmp" and renamed; a SIGKILL (or power loss) between the two leaves
/// the temp file, which nothing reads but which would pile up, one per kill, each as large as a
/// checkpoint. A temp file is removed only when the process named by its PID no longer runs, so a
/// live writer's file is never touched (a reused PID only keeps a stale file a while longer).
/// </summary>
public static class StaleTempFiles
{
    /// <summary>Deletes the stale temp files directly in <paramref name="directory"/>; returns how many.</summary>
    public static int Remove(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            if (WriterPid(Path.GetFileName(path)) is not int pid || IsRunning(pid)) continue;
            try { File.Delete(path); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort: it is only garbage */ }
        }
        return removed;
    }

    /// <summary>The PID in ".NAME.PID.tmp" or ".NAME.PID.GUID.tmp": the first all-digit part after the name's extension.</summary>
    internal static int? WriterPid(string fileName)
    {
        var parts = fileName.Split('.');
        // parts: "", name pieces..., PID, [GUID,] "tmp"; scan from the end for the first number.
        for (int i = parts.Length - 2; i >= 2; i--)
            if (parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit) && int.TryParse(parts[i], out int pid)) return pid;
        return null;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
