namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A test class with its own copy of the demo database and the application over it.</summary>
public abstract class AppTest : IAsyncLifetime
{
    protected FlexiFactory Factory { get; private set; } = null!;

    protected DemoRecords Records { get; private set; } = null!;

    protected string Db { get; private set; } = "";

    /// <summary>
    /// A class whose steps follow the template's dates sets a day: its <see cref="Factory"/> then runs on that day from
    /// 9:30 in England (<see cref="FlexiFactory.At"/>), so its "today" is the same whichever day the tests run.
    /// </summary>
    protected virtual DateOnly? ClockDay => null;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Factory = ClockDay is { } day ? FlexiFactory.At(Db, day, 9, 30) : new FlexiFactory(Db);
        Records = new DemoRecords(Db);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return TestDatabase.DropAsync(Db);
    }
}
