using Xunit;
using KernelGan.Gan.Reporting;

namespace KernelGan.Tests.Reporting;

public class ReportPageTests
{
    [Fact]
    public void RunReportDrawsCurvesFromMetricsAndListsScoresAndConfig()
    {
        var dir = Directory.CreateTempSubdirectory("kg-report-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(dir, "metrics.csv"),
                ["step,loss_d,adv,mask_mean,binarization,mi,d_real,d_fake", "1,1.4,0.7,0.5,0.2,0,0,0", "2,1.3,0.8,0.4,0.1,0,0.1,-0.1", "3,1.2,0.9,0.3,0.05,0,0.2,-0.2"]);
            RunReport.Write(dir, "a <run>", "{\"Steps\": 3}", [], [new RunReport.Score("U-Net", 0.5, 0.6, 10, "held out")], ["note one"]);
            string html = File.ReadAllText(Path.Combine(dir, "report.html"));
            Assert.Contains("<h1>a &lt;run&gt;</h1>", html);
            Assert.Contains("<p>note one</p>", html);
            Assert.Contains("<td>U-Net</td><td>0.500</td><td>0.600</td>", html);
            Assert.Equal(4, html.Split("<svg").Length - 1);
            Assert.Contains("<polyline", html);
            Assert.Contains("&quot;Steps&quot;: 3", html);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ReportWithoutMetricsSaysSo()
    {
        var dir = Directory.CreateTempSubdirectory("kg-report-").FullName;
        try
        {
            RunReport.Write(dir, "empty", "{}", [], [], []);
            Assert.Contains("no metrics yet", File.ReadAllText(Path.Combine(dir, "report.html")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
