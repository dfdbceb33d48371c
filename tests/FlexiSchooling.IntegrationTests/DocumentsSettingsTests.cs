using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// The "Documents" settings (docs/operations.md; ADR 0041): the numbers that bound the document printer are an
/// operator's to set, reach the printer the application uses, and a value out of range stops the start naming itself.
/// </summary>
public sealed class DocumentsSettingsTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_db);

    // A factory given Documents:Chromium uses the application's own printer, not the test run's shared one.
    private FlexiFactory With(params (string Key, string Value)[] settings) => new(_db)
    {
        Settings = settings.Append((Key: "Documents:Chromium", Value: "/usr/bin/chromium")).ToDictionary(s => s.Key, s => s.Value),
    };

    [Fact]
    public void The_documents_settings_bound_the_printer_the_application_uses()
    {
        using var factory = With(("Documents:TimeoutSeconds", "45"), ("Documents:IdleSeconds", "12"), ("Documents:DocumentsPerBrowser", "40"), ("Documents:TabsAtOnce", "3"));
        factory.CreateClient().Dispose();
        var printer = factory.Services.GetRequiredService<ChromiumPrinter>();
        Assert.Equal(TimeSpan.FromSeconds(45), printer.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(12), printer.IdleFor);
        Assert.Equal(40, printer.DocumentsPerBrowser);
        Assert.Equal(3, printer.TabsAtOnce);
    }

    [Fact]
    public void Without_documents_settings_the_printer_has_the_measured_defaults()
    {
        using var factory = With();
        factory.CreateClient().Dispose();
        var printer = factory.Services.GetRequiredService<ChromiumPrinter>();
        Assert.Equal(TimeSpan.FromSeconds(60), printer.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), printer.IdleFor);
        Assert.Equal(500, printer.DocumentsPerBrowser);
        Assert.Equal(Math.Max(2, Environment.ProcessorCount), printer.TabsAtOnce);
    }

    [Fact]
    public void A_documents_setting_out_of_range_stops_the_start_and_names_the_setting()
    {
        using var factory = With(("Documents:TabsAtOnce", "0"), ("Documents:TimeoutSeconds", "1"));
        var refused = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Contains("Documents:TabsAtOnce must be from 1 to 64", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Documents:TimeoutSeconds must be from 5 to 600 seconds (it is 1)", refused.Message, StringComparison.Ordinal);
    }
}
