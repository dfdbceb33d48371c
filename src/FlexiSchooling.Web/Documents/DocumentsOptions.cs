using Microsoft.Extensions.Options;

namespace FlexiSchooling.Web.Documents;

/// <summary>
/// The "Documents" settings: the Chromium that prints documents and the numbers that bound it (ADR 0040, 0041). Each
/// has the default the printer was measured with; an operator changes one for a larger or smaller server
/// (docs/operations.md). A value out of range stops the application at start, naming the setting.
/// </summary>
public sealed class DocumentsOptions
{
    public const string Section = "Documents";

    /// <summary>The Chromium executable (Debian's by default).</summary>
    public string Chromium { get; set; } = "/usr/bin/chromium";

    /// <summary>How long one document may take, from asking for the browser to its PDF, before it fails alone.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>How long the browser is kept running with no document to print.</summary>
    public int IdleSeconds { get; set; } = 30;

    /// <summary>How many documents one browser prints before a fresh one takes over.</summary>
    public int DocumentsPerBrowser { get; set; } = 500;

    /// <summary>How many documents print at once (unset: as many as the machine has cores, at least two).</summary>
    public int? TabsAtOnce { get; set; }

    /// <summary>The printer these settings describe.</summary>
    public ChromiumPrinter Printer(ILogger<ChromiumPrinter> log) => new(
        Chromium, log, TimeSpan.FromSeconds(IdleSeconds), TimeSpan.FromSeconds(TimeoutSeconds), DocumentsPerBrowser, TabsAtOnce);

    /// <summary>What is wrong with these settings, each naming its setting as an operator writes it.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Chromium))
        {
            yield return $"{Section}:Chromium must name the Chromium executable.";
        }

        if (TimeoutSeconds is < 5 or > 600)
        {
            yield return $"{Section}:TimeoutSeconds must be from 5 to 600 seconds (it is {TimeoutSeconds}).";
        }

        if (IdleSeconds is < 1 or > 3600)
        {
            yield return $"{Section}:IdleSeconds must be from 1 to 3600 seconds (it is {IdleSeconds}).";
        }

        if (DocumentsPerBrowser is < 1 or > 100_000)
        {
            yield return $"{Section}:DocumentsPerBrowser must be from 1 to 100000 (it is {DocumentsPerBrowser}).";
        }

        if (TabsAtOnce is < 1 or > 64)
        {
            yield return $"{Section}:TabsAtOnce must be from 1 to 64, or unset for the machine's cores (it is {TabsAtOnce}).";
        }
    }

    /// <summary>Checks the settings when the application starts (<c>ValidateOnStart</c>), not at its first document.</summary>
    public sealed class Validator : IValidateOptions<DocumentsOptions>
    {
        public ValidateOptionsResult Validate(string? name, DocumentsOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
