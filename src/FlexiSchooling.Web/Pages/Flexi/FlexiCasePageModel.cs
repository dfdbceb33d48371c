using FlexiSchooling.Domain.Arrangements;
using FlexiSchooling.Web.Pages.Cases;

namespace FlexiSchooling.Web.Pages.Flexi;

/// <summary>A flexi-schooling step of a case (meeting, decision, agreement, signatures and start, notice): 404 for any other kind.</summary>
public abstract class FlexiCasePageModel : CasePageModel
{
    protected override ArrangementKind? OnlyKind => ArrangementKind.FlexiSchooling;
}
