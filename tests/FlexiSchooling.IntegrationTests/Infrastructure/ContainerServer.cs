using System.Security.Cryptography;
using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;

namespace FlexiSchooling.IntegrationTests.Infrastructure;

/// <summary>
/// Issue 16: where no test database is given (FLEXI_TEST_PG_PORT unset, as with plain <c>dotnet test</c> on Windows or
/// macOS) and a Docker engine is reachable, PostgreSQL 15 is started in a container with Testcontainers, once per test
/// process, and provisioned as scripts/test provisions its cluster: the owner role (BYPASSRLS, runs migrations) and the
/// application role (NOBYPASSRLS). Its address and passwords are then set as the FLEXI_TEST_PG_* variables the rest of
/// the fixtures (and the processes they start) read. scripts/test keeps its own throwaway cluster and never gets here.
/// FLEXI_TEST_PG_IMAGE names another image (scripts/test-docker's locally built stand-in is tagged postgres:15).
/// </summary>
public static class ContainerServer
{
    private static readonly Lazy<PostgreSqlContainer?> Container = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureStarted()
    {
        if (Environment.GetEnvironmentVariable("FLEXI_TEST_PG_PORT") is null)
        {
            _ = Container.Value;
        }
    }

    private static PostgreSqlContainer Start()
    {
        var super = Secret();
        var owner = Secret();
        var app = Secret();
        if (Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED") == "true")
        {
            // No registry to fetch the resource reaper from (scripts/test-docker): the container is removed at exit instead.
            TestcontainersSettings.ResourceReaperEnabled = false;
        }

        var container = new PostgreSqlBuilder(Environment.GetEnvironmentVariable("FLEXI_TEST_PG_IMAGE") ?? "postgres:15")
            .WithUsername("postgres")
            .WithPassword(super)
            .WithDatabase("postgres")
            .WithCommand("-c", "fsync=off", "-c", "max_connections=500")
            .Build();
        try
        {
            container.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No test database is given (FLEXI_TEST_PG_PORT) and PostgreSQL could not be started with Docker: run scripts/test, or start Docker. "
                + e.Message, e);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var port = container.GetMappedPublicPort(PostgreSqlBuilder.PostgreSqlPort);
        using (var connection = new NpgsqlConnection($"Host={container.Hostname};Port={port};Database=postgres;Username=postgres;Password={super};Pooling=false"))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"""
                CREATE ROLE flexi_owner LOGIN BYPASSRLS CREATEDB PASSWORD '{owner}';
                CREATE ROLE flexi_app LOGIN NOBYPASSRLS PASSWORD '{app}';
                """, connection);
            command.ExecuteNonQuery();
        }

        Environment.SetEnvironmentVariable("FLEXI_TEST_PG_HOST", container.Hostname);
        Environment.SetEnvironmentVariable("FLEXI_TEST_PG_SUPER", super);
        Environment.SetEnvironmentVariable("FLEXI_TEST_PG_OWNER", owner);
        Environment.SetEnvironmentVariable("FLEXI_TEST_PG_APP", app);
        Environment.SetEnvironmentVariable("FLEXI_TEST_PG_PORT", port.ToString());
        return container;
    }

    private static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
}
