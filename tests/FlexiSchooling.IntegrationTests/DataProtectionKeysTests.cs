using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FlexiSchooling.IntegrationTests.Infrastructure;
using FlexiSchooling.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FlexiSchooling.IntegrationTests;

/// <summary>
/// ADR 0050: the data-protection key ring (the keys of the sign-in cookie, the forms' antiforgery tokens, the two-factor
/// steps) in the database, where the application's role cannot read it; a data folder's keys from before added to it;
/// each key encrypted at rest with the operator's certificate where one is given (KeyRingProtection).
/// Instances with folders of their own reading each other's cookies is SeveralInstancesTests.
/// </summary>
public sealed class DataProtectionKeysTests : IAsyncLifetime
{
    private string _db = "";

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await TestDatabase.DropAsync(_db);

    private Task<long> KeysAsync() => TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db), "SELECT count(*) FROM data_protection.keys WHERE friendly_name LIKE 'key-%'");

    [Fact]
    public async Task Data_protection_keys_are_kept_in_the_database_where_the_application_role_cannot_read_them()
    {
        using var host = new FlexiFactory(_db);
        await host.SignInAsync(FlexiFactory.Email("head", "ashby"));

        Assert.Equal(1L, await KeysAsync());
        Assert.False(Directory.Exists(Path.Combine(host.DataDirectory, "keys")) && Directory.EnumerateFiles(Path.Combine(host.DataDirectory, "keys")).Any(),
            "a key was written to the data folder");

        await using var app = new NpgsqlConnection(TestDatabase.App(_db));
        await app.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT xml FROM data_protection.keys", app);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => read.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task A_data_folders_keys_from_before_are_added_to_the_ring_and_what_they_protected_still_reads()
    {
        // A data folder as an instance of the last version left it: its key ring in keys/, a cookie of its in a browser.
        var folder = Directory.CreateTempSubdirectory("flexi-keys-before-");
        try
        {
            var before = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(folder.FullName, "keys")), b => b.SetApplicationName("FlexiSchooling"));
            var cookie = before.CreateProtector("a purpose").Protect(Encoding.UTF8.GetBytes("made before"));
            var file = Assert.Single(Directory.GetFiles(Path.Combine(folder.FullName, "keys"), "key-*.xml"));

            using var host = new FlexiFactory(_db) { Settings = new Dictionary<string, string> { ["FlexiSchooling:DataDirectory"] = folder.FullName } };
            var now = host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("a purpose");
            Assert.Equal("made before", Encoding.UTF8.GetString(now.Unprotect(cookie)));
            Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(TestDatabase.Super(_db),
                $"SELECT count(*) FROM data_protection.keys WHERE friendly_name = '{Path.GetFileNameWithoutExtension(file)}'"));

            // And it stays the ring's key: the next instance, with a folder of its own, reads it from the database.
            using var other = new FlexiFactory(_db);
            Assert.Equal("made before", Encoding.UTF8.GetString(other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("a purpose").Unprotect(cookie)));
            Assert.Equal(1L, await KeysAsync());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Migrating_makes_the_rings_first_key_once()
    {
        using var host = new FlexiFactory(_db);
        Assert.Equal(0L, await KeysAsync()); // the template has none: seeding protects nothing
        DatabaseKeyRepository.MakeFirstKeyIfNone(host.Services);
        Assert.Equal(1L, await KeysAsync());
        DatabaseKeyRepository.MakeFirstKeyIfNone(host.Services);
        using var other = new FlexiFactory(_db);
        DatabaseKeyRepository.MakeFirstKeyIfNone(other.Services);
        Assert.Equal(1L, await KeysAsync());

        // A person's first request uses it.
        using var page = await other.NewClient().GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(1L, await KeysAsync());
    }

    /// <summary>A certificate with its RSA key as a password-protected PKCS#12 file, as an operator would provide one.</summary>
    private static string CertificateFile(DirectoryInfo folder, string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        var file = Path.Combine(folder.FullName, name + ".pfx");
        File.WriteAllBytes(file, certificate.Export(X509ContentType.Pkcs12, password));
        return file;
    }

    private static Dictionary<string, string> WithCertificate(string file, string password) =>
        new() { ["DataProtection:Certificate"] = file, ["DataProtection:CertificatePassword"] = password };

    [Fact]
    public async Task With_a_certificate_the_rings_keys_are_encrypted_at_rest_and_read_only_by_instances_holding_it()
    {
        var folder = Directory.CreateTempSubdirectory("flexi-key-certificate-");
        try
        {
            var certificate = CertificateFile(folder, "flexi-key-ring", "a passphrase");
            using var first = new FlexiFactory(_db) { Settings = WithCertificate(certificate, "a passphrase") };
            var lead = new CookieContainer();
            await first.SignInAsync(FlexiFactory.Email("trustlead", "northfield"), cookies: lead);

            // Stored encrypted: no key material in the row, the certificate's encryption instead.
            var xml = await TestDatabase.ScalarAsync<string>(TestDatabase.Super(_db), "SELECT string_agg(xml, '') FROM data_protection.keys WHERE friendly_name LIKE 'key-%'");
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);

            // Another instance holding the certificate reads the person's cookie; one without it cannot.
            using var second = new FlexiFactory(_db) { Settings = WithCertificate(certificate, "a passphrase") };
            using (var page = await second.NewClient(lead).GetAsync("/Dashboard"))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            using var without = new FlexiFactory(_db);
            using (var page = await without.NewClient(lead).GetAsync("/Dashboard"))
            {
                Assert.Equal(HttpStatusCode.Found, page.StatusCode);
                Assert.StartsWith("/Account/Login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
            }

            // The certificate replaced, the one before named as previous: the keys it encrypted still read.
            var next = CertificateFile(folder, "flexi-key-ring-next", "another passphrase");
            using var replaced = new FlexiFactory(_db)
            {
                Settings = new Dictionary<string, string>(WithCertificate(next, "another passphrase"))
                {
                    ["DataProtection:PreviousCertificate"] = certificate,
                    ["DataProtection:PreviousCertificatePassword"] = "a passphrase",
                },
            };
            using (var page = await replaced.NewClient(lead).GetAsync("/Dashboard"))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_key_ring_certificate_that_cannot_be_used_stops_the_start_and_says_why()
    {
        var folder = Directory.CreateTempSubdirectory("flexi-key-certificate-");
        try
        {
            var certificate = CertificateFile(folder, "flexi-key-ring", "a passphrase");
            void Refused(Dictionary<string, string> settings, string message)
            {
                // Refused before anything connects: the database named is never reached.
                using var factory = new FlexiFactory("t_never_made") { Settings = settings };
                var refused = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());
                Assert.StartsWith(message, refused.Message, StringComparison.Ordinal);
            }

            Refused(WithCertificate(Path.Combine(folder.FullName, "missing.pfx"), "a passphrase"), $"DataProtection:Certificate: {Path.Combine(folder.FullName, "missing.pfx")} could not be read as a PKCS#12 (.pfx) file with DataProtection:CertificatePassword");
            Refused(WithCertificate(certificate, "the wrong passphrase"), $"DataProtection:Certificate: {certificate} could not be read as a PKCS#12 (.pfx) file with DataProtection:CertificatePassword");
            Refused(new() { ["DataProtection:PreviousCertificate"] = certificate }, "DataProtection:PreviousCertificate is set but DataProtection:Certificate is not");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
