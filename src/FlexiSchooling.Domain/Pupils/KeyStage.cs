namespace FlexiSchooling.Domain.Pupils;

public enum KeyStage
{
    EarlyYears,
    KS1,
    KS2,
    KS3,
    KS4,
    KS5,
}

public static class YearGroups
{
    /// <summary>National curriculum year: 0 is Reception, 1–13 are Years 1–13, -1 is Nursery.</summary>
    public static KeyStage KeyStageOf(int yearGroup) => yearGroup switch
    {
        <= 0 => KeyStage.EarlyYears,
        <= 2 => KeyStage.KS1,
        <= 6 => KeyStage.KS2,
        <= 9 => KeyStage.KS3,
        <= 11 => KeyStage.KS4,
        _ => KeyStage.KS5,
    };

    public static string Label(int yearGroup) => yearGroup switch
    {
        < 0 => "Nursery",
        0 => "Reception",
        _ => $"Year {yearGroup}",
    };
}
