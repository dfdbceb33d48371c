using System.Net;
using System.Text.RegularExpressions;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>Shared steps of a case of any kind, taken through the pages as a person would.</summary>
public static partial class CaseSteps
{
    [GeneratedRegex("name=\"(Rows\\[\\d+\\]\\.\\w+)\"[^>]*?value=\"([^\"]*)\"")]
    private static partial Regex InputField();

    [GeneratedRegex("name=\"(Rows\\[\\d+\\]\\.\\w+)\" rows=\"\\d+\">([^<]*)</textarea>")]
    private static partial Regex TextareaField();

    [GeneratedRegex("name=\"(Rows\\[\\d+\\]\\.(?:Likelihood|Impact))\">.*?<option value=\"(\\w+)\" selected", RegexOptions.Singleline)]
    private static partial Regex SelectField();

    /// <summary>
    /// The DSL starts the case's risk assessment from its template, completes every row left blank (a mandatory factor's
    /// controls and who is responsible) and submits it; a headteacher approves it.
    /// </summary>
    public static async Task ApproveRiskAssessmentAsync(HttpClient dsl, HttpClient head, string database, Guid caseId)
    {
        var risk = $"/Cases/{caseId}/RiskAssessment";
        Assert.Equal(HttpStatusCode.Redirect, (await dsl.PostFormAsync(risk, risk + "?handler=Start")).StatusCode);
        var version = () => TestDatabase.ScalarAsync<long>(TestDatabase.Super(database), $"SELECT xmin::text::bigint FROM risk_assessments WHERE arrangement_id = '{caseId}' ORDER BY number DESC LIMIT 1");
        var draft = await (await dsl.GetAsync(risk)).Content.ReadAsStringAsync();
        var fields = InputField().Matches(draft).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value)))
            .Concat(TextareaField().Matches(draft).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))))
            .Concat(SelectField().Matches(draft).Select(m => (m.Groups[1].Value, m.Groups[2].Value)))
            .Where(f => !f.Item1.EndsWith(".Remove", StringComparison.Ordinal))
            .Select(f => f.Item2.Length > 0 ? f : f.Item1.EndsWith(".Controls", StringComparison.Ordinal) ? (f.Item1, "Discussed with the family; daily contact when out of school.")
                : f.Item1.EndsWith(".Responsibility", StringComparison.Ordinal) ? (f.Item1, "Designated safeguarding lead") : f)
            .ToList();
        Assert.NotEmpty(fields);
        var submitted = await dsl.PostFormAsync(risk, risk + "?handler=Submit", [.. fields, ("Version", (await version()).ToString())]);
        Assert.True(submitted.StatusCode == HttpStatusCode.Redirect, Regex.Match(await submitted.Content.ReadAsStringAsync(), "govuk-error-summary__list.*?</ul>", RegexOptions.Singleline).Value);
        Assert.Equal(HttpStatusCode.Redirect, (await head.PostFormAsync(risk, risk + "?handler=Approve", ("Version", (await version()).ToString()))).StatusCode);
    }
}
