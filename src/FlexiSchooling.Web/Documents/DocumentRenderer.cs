using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;

namespace FlexiSchooling.Web.Documents;

/// <summary>
/// The one renderer of the product's documents (letters, agreements, risk assessments): a Razor
/// template under Documents/Templates is rendered to HTML with its model, and headless Chromium
/// prints that HTML to PDF (docs/adr/0013: QuestPDF is not on our mirror and PDFsharp is AGPL).
/// Chromium runs with no network, no profile kept and no sandbox-escaping flags beyond --no-sandbox,
/// on a file in a private temporary folder that is deleted afterwards.
/// </summary>
public sealed class DocumentRenderer(IRazorViewEngine views, ITempDataProvider tempData, IServiceProvider services, IConfiguration configuration, ILogger<DocumentRenderer> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async Task<string> HtmlAsync<TModel>(string template, TModel model)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        var action = new ActionContext(http, new RouteData(), new ActionDescriptor());
        var found = views.GetView(executingFilePath: null, viewPath: $"/Documents/Templates/{template}.cshtml", isMainPage: true);
        if (!found.Success)
        {
            throw new InvalidOperationException($"No document template {template}.");
        }

        await using var writer = new StringWriter();
        var data = new ViewDataDictionary<TModel>(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = model };
        var context = new ViewContext(action, found.View, data, new TempDataDictionary(http, tempData), writer, new HtmlHelperOptions());
        await found.View.RenderAsync(context);
        return writer.ToString();
    }

    public async Task<byte[]> PdfAsync<TModel>(string template, TModel model, CancellationToken cancellationToken = default) =>
        await PdfFromHtmlAsync(await HtmlAsync(template, model), cancellationToken);

    public async Task<byte[]> PdfFromHtmlAsync(string html, CancellationToken cancellationToken = default)
    {
        var chromium = configuration["Documents:Chromium"] ?? "/usr/bin/chromium";
        var folder = Directory.CreateTempSubdirectory("flexi-document-");
        try
        {
            var input = Path.Combine(folder.FullName, "document.html");
            var output = Path.Combine(folder.FullName, "document.pdf");
            await File.WriteAllTextAsync(input, html, cancellationToken);
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-extensions", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                $"--user-data-dir={Path.Combine(folder.FullName, "profile")}", "--no-pdf-header-footer", $"--print-to-pdf={output}",
                new Uri(input).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {chromium}.");
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("Chromium did not finish the PDF within a minute.");
            }

            if (!File.Exists(output) || new FileInfo(output).Length == 0)
            {
                log.LogError("Chromium made no PDF (exit code {ExitCode}): {Errors}", process.ExitCode, (await errors).Split('\n').LastOrDefault(l => l.Length > 0));
                throw new InvalidOperationException("The document could not be produced.");
            }

            return await File.ReadAllBytesAsync(output, cancellationToken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
