using System.Data;
using System.Diagnostics;
using FlexiSchooling.Data;
using FlexiSchooling.Data.Tenancy;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// ADR 0046: an instance of the application keeps a bounded number of connections to PostgreSQL, unless its string names
/// its own bound, and a request printing a document gives its connection back to the pool while it prints, so that a
/// burst of documents cannot hold every connection while other pages wait for one.
/// </summary>
public sealed class ConnectionPoolTests : IAsyncLifetime
{
    private string _db = "";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flexi-pool-test-");

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public Task DisposeAsync()
    {
        _folder.Delete(recursive: true);
        return TestDatabase.DropAsync(_db);
    }

    [Fact]
    public void Connection_pool_is_bounded_by_the_machines_cores_unless_the_string_names_a_bound()
    {
        var bounded = ConnectionPool.Bounded("Host=db;Database=flexi;Username=flexi_app;Password=p;");
        Assert.Equal(Environment.ProcessorCount + 2, new NpgsqlConnectionStringBuilder(bounded).MaxPoolSize);
        Assert.Equal("p", new NpgsqlConnectionStringBuilder(bounded).Password); // nothing else in the string is touched

        // The operator's own bound, however Npgsql lets it be written.
        Assert.Equal(40, new NpgsqlConnectionStringBuilder(ConnectionPool.Bounded("Host=db;Maximum Pool Size=40")).MaxPoolSize);
        Assert.Equal(3, new NpgsqlConnectionStringBuilder(ConnectionPool.Bounded("Host=db;maximum pool size=3")).MaxPoolSize);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(ConnectionPool.Bounded("Host=db;MaxPoolSize=7")).MaxPoolSize);
    }

    [Fact]
    public void Connection_strings_naming_several_hosts_look_at_each_again_every_second_unless_they_name_an_interval()
    {
        // A primary and its standby (ADR 0052): Npgsql's ten seconds kept a promoted standby taken for a standby.
        Assert.Equal(1, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;Target Session Attributes=primary")).HostRecheckSeconds);
        Assert.Equal(1, new NpgsqlConnectionStringBuilder(ConnectionPool.AsUsed("Host=db1:5432,db2:5432;Target Session Attributes=primary")).HostRecheckSeconds);
        // The operator's own, however written; one host has nothing to look at again, and its string is left as given.
        Assert.Equal(30, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;Host Recheck Seconds=30")).HostRecheckSeconds);
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;hostrecheckseconds=5")).HostRecheckSeconds);
        Assert.Equal("Host=db;Port=5432", ConnectionPool.ForSeveralHosts("Host=db;Port=5432"));
    }

    [Fact]
    public void Connection_strings_naming_several_hosts_give_up_a_host_that_answers_nothing_after_five_seconds_unless_they_name_a_timeout()
    {
        // A machine that vanishes answers nothing: each connection to it waited Npgsql's fifteen seconds (ADR 0052).
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;Target Session Attributes=primary")).Timeout);
        Assert.Equal(5, new NpgsqlConnectionStringBuilder(ConnectionPool.AsUsed("Host=db1:5432,db2:5432;Target Session Attributes=primary")).Timeout);
        // The operator's own, however written, and the recheck's beside it; one host keeps Npgsql's fifteen.
        Assert.Equal(20, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;Timeout=20")).Timeout);
        Assert.Equal(2, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;timeout=2;Host Recheck Seconds=3")).Timeout);
        Assert.Equal(3, new NpgsqlConnectionStringBuilder(ConnectionPool.ForSeveralHosts("Host=db1,db2;timeout=2;Host Recheck Seconds=3")).HostRecheckSeconds);
        Assert.Equal(15, new NpgsqlConnectionStringBuilder(ConnectionPool.AsUsed("Host=db;Port=5432")).Timeout);
    }

    [Fact]
    public async Task Connection_pool_the_application_uses_is_the_bounded_one()
    {
        using var factory = new FlexiFactory(_db);
        factory.CreateClient().Dispose();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(ConnectionPool.DefaultSize, new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).MaxPoolSize);
    }

    [Fact]
    public async Task Connection_pool_of_one_serves_many_dashboards_at_once_whose_reads_run_beside_each_request()
    {
        // The dashboard reads beside the request's own connection (AppDbContext.Sibling). With one connection for the
        // requests and siblings from the same pool, each request would hold the one and wait for another (Npgsql gives up
        // after 5 s here); the siblings' pool of their own only makes them queue.
        using var factory = new FlexiFactory(_db)
        {
            Settings = new Dictionary<string, string> { ["ConnectionStrings:App"] = TestDatabase.App(_db) + ";Maximum Pool Size=1;Timeout=5" },
        };
        var lead = await factory.SignInAsync(FlexiFactory.Email("trustlead", "northfield"));
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await lead.GetAsync("/Dashboard");
            return (response.StatusCode, Html: await response.Content.ReadAsStringAsync());
        }));
        Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Contains("Ashby Lane", a.Html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Connection_pool_a_document_printing_gives_its_requests_connection_back_until_it_has_printed()
    {
        // One connection in the pool, a request holding it open as every signed-in request does (CurrentUserMiddleware),
        // and a document whose page never loads, so that it prints for its whole timeout.
        using var factory = new FlexiFactory(_db)
        {
            Settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:App"] = TestDatabase.App(_db) + ";Maximum Pool Size=1;Timeout=5",
                ["Documents:Chromium"] = "/usr/bin/chromium",
                ["Documents:TimeoutSeconds"] = "10",
            },
        };
        factory.CreateClient().Dispose();
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM trusts ORDER BY name LIMIT 1");
        await using var printing = factory.Services.CreateAsyncScope();
        printing.ServiceProvider.GetRequiredService<TenantContext>().SetTrust(trust);
        var db = printing.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();

        var hung = printing.ServiceProvider.GetRequiredService<DocumentRenderer>().PdfFromHtmlAsync(await HangingPageAsync());
        var waited = Stopwatch.StartNew();
        while (connection.State == ConnectionState.Open && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Assert.Equal(ConnectionState.Closed, connection.State);

        // Another request has the pool's one connection while the document prints (Npgsql would give up after 5 s).
        await using (var other = factory.Services.CreateAsyncScope())
        {
            other.ServiceProvider.GetRequiredService<TenantContext>().SetTrust(trust);
            Assert.True(await other.ServiceProvider.GetRequiredService<AppDbContext>().Schools.IgnoreQueryFilters().CountAsync() > 0);
        }

        Assert.False(hung.IsCompleted, "the document finished before the other request had read");
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => hung);
        Assert.Equal("The document could not be produced.", failed.Message);

        // The request has its connection again, open as it was, and reads on it.
        Assert.Equal(ConnectionState.Open, connection.State);
        Assert.True(await db.Schools.IgnoreQueryFilters().CountAsync() > 0);
        // Opened both ways a named pipe does not wait; closed, it lets the browser's reader go.
        new FileStream(Path.Combine(_folder.FullName, "never"), FileMode.Open, FileAccess.ReadWrite).Dispose();
    }

    [Fact]
    public async Task Connection_pool_a_document_printed_inside_a_transaction_keeps_its_connection()
    {
        using var factory = new FlexiFactory(_db);
        factory.CreateClient().Dispose();
        var trust = await TestDatabase.ScalarAsync<Guid>(TestDatabase.Super(_db), "SELECT id FROM trusts ORDER BY name LIMIT 1");
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().SetTrust(trust);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        var pdf = await scope.ServiceProvider.GetRequiredService<DocumentRenderer>().PdfFromHtmlAsync("<!DOCTYPE html><html><body><p>A letter</p></body></html>");
        Assert.NotEmpty(pdf);
        Assert.Equal(ConnectionState.Open, connection.State);
        Assert.Same(transaction, db.Database.CurrentTransaction);
        Assert.True(await db.Schools.IgnoreQueryFilters().CountAsync() > 0);
    }

    // A page with an image read from a named pipe nobody writes to: its load never comes (as ChromiumPrinterTests).
    private async Task<string> HangingPageAsync()
    {
        var pipe = Path.Combine(_folder.FullName, "never");
        using (var fifo = Process.Start(new ProcessStartInfo("mkfifo", [pipe]))!)
        {
            await fifo.WaitForExitAsync();
        }

        return $"<!DOCTYPE html><html><body><p>Never finished</p><img src=\"{new Uri(pipe).AbsoluteUri}\"></body></html>";
    }
}
