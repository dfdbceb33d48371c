using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace FlexiSchooling.Web.Infrastructure;

/// <summary>
/// The key ring's keys encrypted at rest with a certificate the instances hold and the database does not (ADR 0050):
/// <c>DataProtection:Certificate</c>, a PKCS#12 (.pfx) file with its RSA private key, and
/// <c>DataProtection:CertificatePassword</c>. Whoever reads the database, or a backup of it, then holds keys they cannot
/// use. A certificate being replaced is named in <c>DataProtection:PreviousCertificate</c> (with
/// <c>DataProtection:PreviousCertificatePassword</c>) for as long as keys it encrypted are in use. Without a certificate
/// the keys are stored as the framework writes them, unencrypted, and it logs a warning as it makes each one. A setting
/// that cannot be used stops the start with a message naming it.
/// </summary>
public static class KeyRingProtection
{
    public static IDataProtectionBuilder ProtectKeys(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        var current = Load(configuration, "DataProtection:Certificate", "DataProtection:CertificatePassword");
        if (current is null)
        {
            return string.IsNullOrEmpty(configuration["DataProtection:PreviousCertificate"])
                ? builder
                : throw new InvalidOperationException("DataProtection:PreviousCertificate is set but DataProtection:Certificate is not: name the certificate that protects new keys (docs/operations.md).");
        }

        var previous = Load(configuration, "DataProtection:PreviousCertificate", "DataProtection:PreviousCertificatePassword");
        return builder.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate(previous is null ? [current] : [current, previous]);
    }

    private static X509Certificate2? Load(IConfiguration configuration, string setting, string passwordSetting)
    {
        if (configuration[setting] is not { Length: > 0 } path)
        {
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[passwordSetting]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting}: {path} could not be read as a PKCS#12 (.pfx) file with {passwordSetting}: {e.Message} (docs/operations.md).", e);
        }

        using var key = certificate.GetRSAPrivateKey();
        if (key is null)
        {
            throw new InvalidOperationException($"{setting}: {path} holds no RSA private key, which encrypting the keys needs (docs/operations.md).");
        }

        return certificate;
    }
}
