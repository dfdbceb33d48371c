using System.Text.Json;
using System.Text.Json.Serialization;
using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Domain.Calendar;

namespace FlexiSchooling.Domain.RiskAssessments;

public enum RiskLevel
{
    Low,
    Medium,
    High,
}

/// <summary>
/// One row of a risk assessment: the area, the hazard, how likely and how serious, the control measures in
/// place, further actions, who is responsible and how often it is reviewed. A mandatory row (a factor a
/// policy says must always be considered) can be adapted but not removed.
/// </summary>
public sealed record RiskRow(
    string Area,
    string Hazard,
    RiskLevel Likelihood,
    RiskLevel Impact,
    string Controls,
    string FurtherActions,
    string Responsibility,
    string ReviewFrequency,
    bool Mandatory = false);

/// <summary>A risk assessment template: the rows a DSL starts from, its source and how often it is reviewed.</summary>
public sealed record RiskTemplate(string Key, string Title, string Source, ArrangementKind Kind, ReviewCadence ReviewCadence, IReadOnlyList<RiskRow> Rows);

/// <summary>
/// The shipped templates, as data (risk-templates.json): 002 appendix 8 (flexi-schooling), appendix 7
/// (part-time timetables) and appendix 2 (AP), and the six factors the Hinckley reduced-timetable protocol
/// (003) says must always be taken into account, added as mandatory rows for schools on that profile.
/// Where an appendix gives a likelihood of "Low to Medium" the default is Medium: the DSL lowers it for the child.
/// </summary>
public static class RiskTemplates
{
    private static readonly TemplateFile File = Load();

    public static IReadOnlyList<RiskTemplate> All { get; } = [.. File.Templates.Select(t => new RiskTemplate(t.Key, t.Title, t.Source, t.Kind, t.ReviewCadence, t.Rows))];

    public static string MandatoryFactorsSource => File.MandatoryFactors.Source;

    /// <summary>The template for an arrangement kind at a school whose profile came from <paramref name="profileTemplateKey"/>.</summary>
    public static RiskTemplate For(ArrangementKind kind, string profileTemplateKey)
    {
        var template = All.Single(t => t.Kind == kind);
        return File.MandatoryFactors.TemplateKeys.Contains(profileTemplateKey) && kind == ArrangementKind.PartTimeTimetable
            ? template with { Rows = [.. File.MandatoryFactors.Rows.Select(r => r with { Mandatory = true }), .. template.Rows], Source = $"{template.Source}; {File.MandatoryFactors.Source}" }
            : template;
    }

    private static TemplateFile Load()
    {
        using var stream = typeof(RiskTemplates).Assembly.GetManifestResourceStream("risk-templates.json")
            ?? throw new InvalidOperationException("The risk assessment templates are not embedded.");
        return JsonSerializer.Deserialize<TemplateFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } })!;
    }

    private sealed record TemplateFile(List<TemplateData> Templates, FactorsData MandatoryFactors);

    private sealed record TemplateData(string Key, string Title, string Source, ArrangementKind Kind, ReviewCadence ReviewCadence, List<RiskRow> Rows);

    private sealed record FactorsData(string Key, string Source, List<string> TemplateKeys, List<RiskRow> Rows);
}
