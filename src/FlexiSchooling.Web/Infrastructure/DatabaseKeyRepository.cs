using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The data-protection key ring in the database (ADR 0050, migration 0040): every instance reads and adds to one ring,
/// wherever it runs, and a backup of the database holds it. Through the owner's connection: the application's role
/// cannot read the schema. A data folder's <c>keys/</c> from before (files the framework wrote, one per element) is
/// added to the ring the first time each process reads it (an element already there is left as it is), so cookies and
/// forms made with those keys still read.
/// </summary>
public sealed class DatabaseKeyRepository(string ownerConnection, string? legacyFolder, ILogger<DatabaseKeyRepository> logger) : IXmlRepository
{
    private readonly Lock _importing = new();
    private bool _imported;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        ImportLegacyFolderOnce();
        using var connection = new NpgsqlConnection(ownerConnection);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT xml FROM data_protection.keys ORDER BY stored_at, friendly_name", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName) => Store(element.ToString(SaveOptions.DisableFormatting), friendlyName);

    /// <summary>Stores an element once: a second instance storing the same name (an import both made) changes nothing.</summary>
    private void Store(string xml, string friendlyName)
    {
        using var connection = new NpgsqlConnection(ownerConnection);
        connection.Open();
        using var command = new NpgsqlCommand("INSERT INTO data_protection.keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING", connection)
        {
            Parameters = { new() { Value = friendlyName }, new() { Value = xml } },
        };
        command.ExecuteNonQuery();
    }

    private void ImportLegacyFolderOnce()
    {
        lock (_importing)
        {
            if (_imported)
            {
                return;
            }

            if (legacyFolder is not null && Directory.Exists(legacyFolder))
            {
                var files = Directory.GetFiles(legacyFolder, "*.xml");
                foreach (var file in files)
                {
                    Store(XElement.Load(file).ToString(SaveOptions.DisableFormatting), Path.GetFileNameWithoutExtension(file));
                }

                if (files.Length > 0)
                {
                    logger.LogInformation("Data-protection keys from {Folder} are in the database's key ring ({Count} elements, each stored once); delete the folder once every instance runs this version", legacyFolder, files.Length);
                }
            }

            _imported = true;
        }
    }

    /// <summary>
    /// Opens the owner's first connection in the background as the process starts, while the host is built: the framework
    /// reads the key ring before the server listens (its hosted service), and a process's first connection — the driver's
    /// first use, the sign-in, the types read — took about 200 ms of the start on this machine when it waited for it
    /// (docs/performance.md). A failure here is left to that read, which reports it.
    /// </summary>
    public static void OpenEarly(string ownerConnection) => _ = Task.Run(async () =>
    {
        try
        {
            await using var connection = new NpgsqlConnection(ownerConnection);
            await connection.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            // The key ring's own read opens a connection again and fails there, with the error where it is needed.
        }
    });

    /// <summary>
    /// Makes the ring's first key if it has none, as the database is migrated (by protecting a byte: the framework makes a
    /// key only when it has no usable one, on its own clock): instances then started together each find that key, rather
    /// than each making its own at its first request and reading another's cookies only once it looks at the ring again.
    /// </summary>
    public static void MakeFirstKeyIfNone(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("FlexiSchooling.FirstKey").Protect([1]);
}
