using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// GOV.UK Design System form fields: label, hint, error message next to the field, and the value
/// the user typed (from ModelState) when the form comes back with errors, so nothing typed is lost.
/// </summary>
[HtmlTargetElement("govuk-input", TagStructure = TagStructure.WithoutEndTag)]
public sealed class GovUkInputTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    public string Label { get; set; } = "";

    public string? Hint { get; set; }

    public string Type { get; set; } = "text";

    public string? Width { get; set; }

    public string? Autocomplete { get; set; }

    public bool LabelAsHeading { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var error = ViewContext.ModelState.ErrorFor(name);
        var value = GovUkField.Value(ViewContext, For);
        var enc = HtmlEncoder.Default;
        var html = new System.Text.StringBuilder();
        var describedBy = GovUkField.Open(html, id, Label, Hint, error, LabelAsHeading);
        var width = Width is null ? "" : $" govuk-input--width-{Width}";
        html.Append($"<input class=\"govuk-input{width}{(error is null ? "" : " govuk-input--error")}\" id=\"{id}\" name=\"{name}\" type=\"{Type}\"");
        if (Type != "password")
        {
            html.Append($" value=\"{enc.Encode(value)}\"");
        }

        if (Autocomplete is not null)
        {
            html.Append($" autocomplete=\"{Autocomplete}\"");
        }

        if (Type == "text" && Autocomplete is null)
        {
            html.Append(" spellcheck=\"false\"");
        }

        if (describedBy.Count > 0)
        {
            html.Append($" aria-describedby=\"{string.Join(' ', describedBy)}\"");
        }

        html.Append("></div>");
        output.TagName = null;
        output.Content.SetHtmlContent(html.ToString());
    }

    internal static string Format(object? model) => model switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        decimal m => m.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => model.ToString() ?? "",
    };
}

/// <summary>A GOV.UK textarea, with the same label, hint, error and kept value as <see cref="GovUkInputTagHelper"/>.</summary>
[HtmlTargetElement("govuk-textarea", TagStructure = TagStructure.WithoutEndTag)]
public sealed class GovUkTextareaTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    public string Label { get; set; } = "";

    public string? Hint { get; set; }

    public int Rows { get; set; } = 5;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var error = ViewContext.ModelState.ErrorFor(name);
        var value = GovUkField.Value(ViewContext, For);
        var html = new System.Text.StringBuilder();
        var describedBy = GovUkField.Open(html, id, Label, Hint, error, labelAsHeading: false);
        html.Append($"<textarea class=\"govuk-textarea{(error is null ? "" : " govuk-textarea--error")}\" id=\"{id}\" name=\"{name}\" rows=\"{Rows}\" spellcheck=\"true\"");
        if (describedBy.Count > 0)
        {
            html.Append($" aria-describedby=\"{string.Join(' ', describedBy)}\"");
        }

        html.Append($">{HtmlEncoder.Default.Encode(value)}</textarea></div>");
        output.TagName = null;
        output.Content.SetHtmlContent(html.ToString());
    }
}

/// <summary>A GOV.UK select; options are value/text pairs.</summary>
[HtmlTargetElement("govuk-select", TagStructure = TagStructure.WithoutEndTag)]
public sealed class GovUkSelectTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    public string Label { get; set; } = "";

    public string? Hint { get; set; }

    public IEnumerable<KeyValuePair<string, string>> Options { get; set; } = [];

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var error = ViewContext.ModelState.ErrorFor(name);
        var current = GovUkField.Value(ViewContext, For);
        var enc = HtmlEncoder.Default;
        var html = new System.Text.StringBuilder();
        var describedBy = GovUkField.Open(html, id, Label, Hint, error);
        html.Append($"<select class=\"govuk-select{(error is null ? "" : " govuk-select--error")}\" id=\"{id}\" name=\"{name}\"{(describedBy.Count > 0 ? $" aria-describedby=\"{string.Join(' ', describedBy)}\"" : "")}>");
        foreach (var (value, text) in Options)
        {
            html.Append($"<option value=\"{enc.Encode(value)}\"{(string.Equals(value, current, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{enc.Encode(text)}</option>");
        }

        html.Append("</select></div>");
        output.TagName = null;
        output.Content.SetHtmlContent(html.ToString());
    }
}

/// <summary>A single GOV.UK checkbox bound to a bool.</summary>
[HtmlTargetElement("govuk-checkbox", TagStructure = TagStructure.WithoutEndTag)]
public sealed class GovUkCheckboxTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    [HtmlAttributeName("for")]
    public ModelExpression For { get; set; } = null!;

    public string Label { get; set; } = "";

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        var name = For.Name;
        var id = TagBuilder.CreateSanitizedId(name, "_");
        var isChecked = ViewContext.ModelState.TryGetValue(name, out var entry) && entry.AttemptedValue is not null
            ? entry.AttemptedValue.Split(',').Contains("true", StringComparer.OrdinalIgnoreCase)
            : For.Model is true;
        output.TagName = null;
        output.Content.SetHtmlContent(
            $"<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"{id}\" name=\"{name}\" type=\"checkbox\" value=\"true\"{(isChecked ? " checked" : "")}>" +
            $"<label class=\"govuk-label govuk-checkboxes__label\" for=\"{id}\">{HtmlEncoder.Default.Encode(Label)}</label></div>" +
            $"<input type=\"hidden\" name=\"{name}\" value=\"false\">");
    }
}

/// <summary>The GOV.UK error summary: every error, each linking to its field.</summary>
[HtmlTargetElement("govuk-error-summary", TagStructure = TagStructure.WithoutEndTag)]
public sealed class GovUkErrorSummaryTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = null;
        var order = ValidationOrder.Of(ViewContext.HttpContext);
        var errors = ViewContext.ModelState.Where(kv => kv.Value is { Errors.Count: > 0 })
            .OrderBy(kv => order.IndexOf(kv.Key) is var at && at >= 0 ? at : int.MaxValue).ToList(); // the page's order; others after, as they came
        if (errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        var enc = HtmlEncoder.Default;
        var html = new System.Text.StringBuilder("<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\"><h2 class=\"govuk-error-summary__title\">There is a problem</h2><div class=\"govuk-error-summary__body\"><ul class=\"govuk-list govuk-error-summary__list\">");
        foreach (var (key, value) in errors)
        {
            foreach (var error in value!.Errors)
            {
                html.Append(key.Length == 0
                    ? $"<li>{enc.Encode(error.ErrorMessage)}</li>"
                    : $"<li><a href=\"#{TagBuilder.CreateSanitizedId(key, "_")}\">{enc.Encode(error.ErrorMessage)}</a></li>");
            }
        }

        html.Append("</ul></div></div></div>");
        output.Content.SetHtmlContent(html.ToString());
    }
}

/// <summary>The parts every GOV.UK field shares: the group, its label, hint and error message.</summary>
internal static class GovUkField
{
    /// <summary>Writes the group's opening, label, hint and error; returns the ids the control is described by.</summary>
    public static List<string> Open(System.Text.StringBuilder html, string id, string label, string? hint, string? error, bool labelAsHeading = false)
    {
        var enc = HtmlEncoder.Default;
        var describedBy = new List<string>();
        html.Append($"<div class=\"govuk-form-group{(error is null ? "" : " govuk-form-group--error")}\">");
        html.Append($"<label class=\"govuk-label{(labelAsHeading ? " govuk-label--m" : "")}\" for=\"{id}\">{enc.Encode(label)}</label>");
        if (!string.IsNullOrEmpty(hint))
        {
            html.Append($"<div id=\"{id}-hint\" class=\"govuk-hint\">{enc.Encode(hint)}</div>");
            describedBy.Add(id + "-hint");
        }

        if (error is not null)
        {
            html.Append($"<p id=\"{id}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {enc.Encode(error)}</p>");
            describedBy.Add(id + "-error");
        }

        return describedBy;
    }

    /// <summary>What the user typed (when the form came back), else the model's value.</summary>
    public static string Value(ViewContext view, ModelExpression field) =>
        view.ModelState.TryGetValue(field.Name, out var entry) && entry.AttemptedValue is not null ? entry.AttemptedValue : GovUkInputTagHelper.Format(field.Model);
}
