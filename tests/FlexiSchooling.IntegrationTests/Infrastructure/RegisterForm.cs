using System.Net;
using System.Text.RegularExpressions;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A register page's form as a person's browser would post it: every field, with some rows changed.</summary>
public sealed partial class RegisterForm
{
    private readonly List<KeyValuePair<string, string>> _fields;

    private RegisterForm(string url, string postTo, List<KeyValuePair<string, string>> fields)
    {
        Url = url;
        PostTo = postTo;
        _fields = fields;
    }

    /// <summary>The address of the page the form was read from.</summary>
    public string Url { get; }

    /// <summary>Where a browser sends it: the form's action, or without one the page's own address.</summary>
    public string PostTo { get; }

    public string Html { get; private set; } = "";

    [GeneratedRegex("name=\"([^\"]+)\"[^>]*?value=\"([^\"]*)\"")]
    private static partial Regex Field();

    [GeneratedRegex("<form method=\"post\"(?: action=\"(?<action>[^\"]*)\")? novalidate>")]
    private static partial Regex RegisterFormTag();

    /// <summary>Opens the register as a person taking it would: with "mark everyone not yet marked as present" chosen, unless <paramref name="allPresent"/> is false.</summary>
    public static async Task<RegisterForm> OpenAsync(HttpClient client, Guid group, DateOnly date, string session = "AM", bool allPresent = true)
    {
        var url = $"/Attendance/Register/{group}?date={date:yyyy-MM-dd}&session={session}{(allPresent ? "&present=all" : "")}";
        var html = await (await client.GetAsync(url)).Content.ReadAsStringAsync();
        return FromHtml(url, html);
    }

    private static RegisterForm FromHtml(string url, string html)
    {
        var start = RegisterFormTag().Match(html);
        Assert.True(start.Success, "no register form on the page");
        var form = html[start.Index..];
        form = form[..(form.IndexOf("</form>", StringComparison.Ordinal) + 7)];
        var action = start.Groups["action"];
        var fields = Field().Matches(form).Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        // Radio buttons: only the checked one is posted.
        fields.RemoveAll(f => f.Key.EndsWith(".Choice", StringComparison.Ordinal));
        foreach (Match radio in Regex.Matches(form, "name=\"(Rows\\[\\d+\\]\\.Choice)\" type=\"radio\" value=\"(\\w+)\" checked"))
        {
            fields.Add(new(radio.Groups[1].Value, radio.Groups[2].Value));
        }

        return new RegisterForm(url, action.Success ? WebUtility.HtmlDecode(action.Value) : url, fields) { Html = html };
    }

    public IReadOnlyList<Guid> Pupils => [.. _fields.Where(f => f.Key.EndsWith(".PupilId", StringComparison.Ordinal)).Select(f => Guid.Parse(f.Value))];

    public string? Get(Guid pupil, string field) => _fields.FirstOrDefault(f => f.Key == $"{Row(pupil)}.{field}").Value;

    public RegisterForm Set(Guid pupil, string field, string value)
    {
        var key = $"{Row(pupil)}.{field}";
        _fields.RemoveAll(f => f.Key == key);
        _fields.Add(new(key, value));
        return this;
    }

    private string Row(Guid pupil) => _fields.First(f => f.Key.EndsWith(".PupilId", StringComparison.Ordinal) && f.Value == pupil.ToString()).Key[..^".PupilId".Length];

    public async Task<HttpResponseMessage> PostAsync(HttpClient client) =>
        await client.PostAsync(PostTo, new FormUrlEncodedContent(_fields));

    /// <summary>Posts and reads the form back from the answer (after an error or a conflict).</summary>
    public async Task<(HttpResponseMessage Response, RegisterForm Again)> PostAndReadAsync(HttpClient client)
    {
        var response = await PostAsync(client);
        return (response, FromHtml(PostTo, await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Presses "Mark everyone not yet marked as present" (the button's own formaction) and reads the form it answers with.</summary>
    public async Task<RegisterForm> MarkEveryonePresentAsync(HttpClient client)
    {
        var button = Regex.Match(Html, "formaction=\"([^\"]+)\">Mark everyone not yet marked as present</button>");
        Assert.True(button.Success, "no \"Mark everyone not yet marked as present\" button on the register");
        var url = WebUtility.HtmlDecode(button.Groups[1].Value);
        var response = await client.PostAsync(url, new FormUrlEncodedContent(_fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return FromHtml(url, await response.Content.ReadAsStringAsync());
    }
}
