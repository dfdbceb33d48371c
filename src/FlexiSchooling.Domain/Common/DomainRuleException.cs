namespace FlexiSchooling.Domain.Common;

/// <summary>
/// A policy rule refused an action. Pages turn it into a form error next to <see cref="Field"/>
/// (or into the error summary when no field is named); it never becomes a 500.
/// </summary>
public sealed class DomainRuleException : Exception
{
    public DomainRuleException(string rule, string message, string? field = null) : base(message)
    {
        Rule = rule;
        Field = field;
    }

    public DomainRuleException() : this("unspecified", "A rule refused this change.") { }

    public DomainRuleException(string message) : this("unspecified", message) { }

    public DomainRuleException(string message, Exception innerException) : base(message, innerException) => Rule = "unspecified";

    /// <summary>The rule's name as it appears in docs/rules.md.</summary>
    public string Rule { get; } = "unspecified";

    public string? Field { get; }
}
