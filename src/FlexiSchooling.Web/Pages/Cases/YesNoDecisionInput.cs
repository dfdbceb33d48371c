using FlexiSchooling.Domain.Arrangements;
using FluentValidation;

namespace FlexiSchooling.Web.Pages.Cases;

/// <summary>
/// The one-step decision on a proposed case — a part-time timetable's approval, a placement's agreement by the head:
/// yes or no, its date, and the reason (needed for no, by each kind's rule). One input, one validator and one form
/// (<c>_DecisionFields</c>) for every kind that decides this way; the page words the question.
/// </summary>
public sealed record YesNoDecisionInput
{
    public uint Version { get; init; }

    public DecisionOutcome? Outcome { get; init; }

    public DateOnly? DecidedOn { get; init; }

    public string? Reason { get; init; }
}

public sealed class YesNoDecisionInputValidator : AbstractValidator<YesNoDecisionInput>
{
    public YesNoDecisionInputValidator()
    {
        RuleFor(x => x.Outcome).NotEmpty().WithMessage("Choose yes or no");
        RuleFor(x => x.DecidedOn).NotEmpty().WithMessage("Enter the date of the decision");
        RuleFor(x => x.Reason).MaximumLength(2000).WithMessage("The reason must be 2,000 characters or fewer");
    }
}

/// <summary>How a page words the decision form: the question, the two answers and what the reason is for.</summary>
public sealed record DecisionWording(YesNoDecisionInput Input, string Question, string Yes, string No, string ReasonHint);
