namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>A test class with its own copy of the demo database and the application over it.</summary>
public abstract class AppTest : IAsyncLifetime
{
    protected FlexiFactory Factory { get; private set; } = null!;

    protected DemoRecords Records { get; private set; } = null!;

    protected string Db { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Factory = new FlexiFactory(Db);
        Records = new DemoRecords(Db);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
