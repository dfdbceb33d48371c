using System.Data;
using FlexiSchooling.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Web.Documents;

/// <summary>
/// The one renderer of the product's documents (letters, agreements, risk assessments): a Razor
/// template under Documents/Templates is rendered to HTML with its model, and headless Chromium
/// prints that HTML to PDF (docs/adr/0013: QuestPDF is not on our mirror and PDFsharp is AGPL).
/// Chromium runs with no network, no profile kept and no sandbox-escaping flags beyond --no-sandbox,
/// on a file in a private temporary folder that is deleted afterwards; it is kept running between
/// documents by <see cref="ChromiumPrinter"/> (ADR 0040).
/// </summary>
public sealed class DocumentRenderer(IRazorViewEngine views, ITempDataProvider tempData, IServiceProvider services, ChromiumPrinter printer, ILogger<DocumentRenderer> log)
{
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
        var folder = Directory.CreateTempSubdirectory("flexi-document-");
        try
        {
            var input = Path.Combine(folder.FullName, "document.html");
            await File.WriteAllTextAsync(input, html, cancellationToken);
            var pdf = await PrintAsync(input, cancellationToken);
            if (pdf.Length == 0)
            {
                log.LogError("Chromium made an empty PDF");
                throw new InvalidOperationException("The document could not be produced.");
            }

            return pdf;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // A document may wait for a free tab, and prints for a second or so (for its whole timeout when its page never loads):
    // meanwhile the request's connection, opened for the whole request, goes back to the application's bounded pool
    // (ADR 0046), so that a burst of documents cannot hold every connection while other pages wait for one. Not when a
    // transaction holds it; the trust is set by each command (TenantSql), so nothing is lost with the connection.
    private async Task<byte[]> PrintAsync(string input, CancellationToken cancellationToken)
    {
        var db = services.GetService<AppDbContext>();
        if (db is null || db.Database.CurrentTransaction is not null || db.Database.GetDbConnection().State != ConnectionState.Open)
        {
            return await printer.PrintAsync(input, cancellationToken);
        }

        await db.Database.CloseConnectionAsync();
        try
        {
            return await printer.PrintAsync(input, cancellationToken);
        }
        finally
        {
            await db.Database.OpenConnectionAsync(CancellationToken.None);
        }
    }
}
